// Development helper: starts the tests' shared DC and keeps it running until Ctrl-C, so that one
// test file can be run against it: TROUSSE_HARNESS=<printed path> npx tap tests/…/x.test.ts
import { join } from 'node:path';
import { startSharedDc, stopSharedDc } from '../tests/harness/shared-dc.ts';

const harness = await startSharedDc();
console.log(`TROUSSE_HARNESS=${join(harness.dir, 'harness.json')}`);
const stop = async () => {
  const problems = await stopSharedDc(harness);
  if (problems.length > 0) console.error(problems.join('\n'));
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setInterval(() => {}, 1 << 30);
