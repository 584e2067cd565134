// Child of crash.test.ts: a daemon that analyses and applies an import, until the parent kills it
// with SIGKILL. Usage: node tests/imports/crash-child.ts DATA_DIR OVERRIDES.json FILE...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { buildApp } from '../../daemon/src/app.ts';
import { createLogger } from '../../daemon/src/core/logger.ts';
import { readHarness, testConfig } from '../helpers.ts';

const [dataDir, overridesFile, ...files] = process.argv.slice(2);
if (!dataDir || !overridesFile || files.length === 0) throw new Error('usage: crash-child DATA_DIR OVERRIDES.json FILE...');
const overrides = JSON.parse(readFileSync(overridesFile, 'utf8')) as Record<string, unknown>;
const app = await buildApp(testConfig(dataDir, readHarness(), overrides), { logger: createLogger('silent') });
await app.start();
const actor = { role: 'administrator' as const, login: 'test', name: 'test' };
const run = app.imports.createRun('update', actor);
for (const f of files) await app.imports.addFile(run.id, f, basename(f));
await app.imports.analyse(run.id);
await app.imports.apply(run.id, {}, actor);
process.stdout.write(`applying ${run.id}\n`);
await app.imports.settled(run.id);
process.stdout.write('finished\n');
await app.close();
