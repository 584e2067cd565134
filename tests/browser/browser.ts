import { join } from 'node:path';
import type { Test } from 'tap';
import { chromium, type Page } from 'playwright-core';
import type { TrousseApp } from '../../daemon/src/app.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = process.env.TROUSSE_ARTIFACTS ?? join(process.cwd(), 'artifacts');

/** Serves the test app over HTTP and opens a French 1280×800 page in Debian's chromium. */
export async function openConsole(t: Test, app: TrousseApp): Promise<{ url: string; page: Page }> {
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
  return { url, page };
}
