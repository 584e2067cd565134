#!/usr/bin/env bash
# Installs, builds and runs the Trousse appliance on the embedded demo school.
# Options are passed to `trousse demo` (e.g. --data DIR --port N). Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
exec node --max-semi-space-size=8 daemon/bin/trousse.js demo "$@"
