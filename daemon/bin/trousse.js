#!/usr/bin/env node
// Entry of the `trousse` command: refuses an old Node.js with a clear message, then runs the daemon.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `Trousse demande Node.js 24 (celui-ci est ${process.version}). Lancez-le avec « npx trousse » depuis le projet, ou utilisez le binaire livré.`,
  );
  process.exit(1);
}
await import('../dist/main.js');
