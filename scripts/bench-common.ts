/** What the benchmarks share: the DC they run on, and how they print durations. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSharedDc, stopSharedDc, type HarnessInfo } from '../tests/harness/shared-dc.ts';

/**
 * The DC named by $TROUSSE_HARNESS (scripts/dev-dc.ts), or the tests' shared DC started for the
 * bench (only one DC can run on the machine); `stop()` stops it if the bench started it.
 */
export async function benchDc(): Promise<{ h: HarnessInfo; harnessFile: string; stop: () => Promise<void> }> {
  let own: HarnessInfo | null = null;
  let harnessFile = process.env.TROUSSE_HARNESS;
  if (!harnessFile) {
    console.log('# démarrage d’un contrôleur de domaine de test…');
    own = await startSharedDc();
    harnessFile = join(own.dir, 'harness.json');
    process.env.TROUSSE_HARNESS = harnessFile;
  }
  const h = JSON.parse(readFileSync(harnessFile, 'utf8')) as HarnessInfo;
  return {
    h,
    harnessFile,
    stop: async () => {
      if (own) await stopSharedDc(own);
    },
  };
}

export const secs = (x: number): string => `${(x / 1000).toFixed(2)} s`;

/** An integer option `--name N` (def when absent); exits with a French message when out of range. */
export function intArg(name: string, def: number, min: number, max: number): number {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`${name} attend un nombre entier entre ${min} et ${max}.`);
    process.exit(2);
  }
  return v;
}

function tableRow(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
}

/** A titled table: the first column left-aligned, the others right-aligned. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}`);
  console.log(tableRow(header, widths));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(tableRow(r, widths));
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} Mo`;

/** The daemon's V8 flags (systemd/trousse.service), and what an RSS measure needs (gc()). */
export const NODE_FLAGS = ['--expose-gc', '--max-semi-space-size=8'];

/**
 * Without those flags (a plain `node scripts/bench-x.ts`): runs the same script again with them,
 * waits for it and exits with its code; returns at once when they are there.
 */
export async function ensureNodeFlags(): Promise<void> {
  if (typeof globalThis.gc === 'function' && NODE_FLAGS.every((f) => process.execArgv.includes(f))) return;
  const flags = [...new Set([...process.execArgv, ...NODE_FLAGS])];
  const child = spawn(process.execPath, [...flags, process.argv[1] as string, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child too (same process group): it cleans up, we wait for it
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 130 : 1))));
  process.exit(code);
}
