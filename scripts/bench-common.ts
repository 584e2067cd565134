/** What the benchmarks share: the DC they run on, and how they print durations. */
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
