#!/usr/bin/env bash
# Installs, builds and runs the whole test suite: lint, typecheck, unit, integration against a
# real Samba AD DC, browser (chromium), CLI. Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
exec node scripts/test.ts "$@"
