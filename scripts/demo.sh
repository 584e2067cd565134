#!/usr/bin/env bash
# Installs, builds and runs the Trousse appliance on the embedded demo school.
# Options are passed to `trousse demo` (e.g. --data DIR --port N). Ctrl+C stops everything.
# Three simulated PJLink projectors (tests/devices/pjlink-sim.ts) stand for the rooms' boards, and a
# simulated departmental hub (tests/hub/hub-sim.ts) receives the school's reports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
SIM_LOG=$(mktemp)
node tests/devices/pjlink-sim.ts --count 3 --base-port 43521 --delay 20 --dead 0 >"$SIM_LOG" 2>&1 &
SIM_PID=$!
# a simulated departmental hub (tests/hub/hub-sim.ts), so that Inventaire › Remontée shows deliveries
HUB_LOG=$(mktemp)
node tests/hub/hub-sim.ts --port 43580 --token jeton-de-demonstration >"$HUB_LOG" 2>&1 &
HUB_PID=$!
trap 'kill $SIM_PID $HUB_PID 2>/dev/null || true; rm -f "$SIM_LOG" "$HUB_LOG"' EXIT
for _ in $(seq 50); do grep -q '"ready":true' "$SIM_LOG" && grep -q '"ready":true' "$HUB_LOG" && break; sleep 0.2; done
export TROUSSE_DEMO_PROJECTORS=43521,43522,43523
export TROUSSE_DEMO_HUB=http://127.0.0.1:43580
node --max-semi-space-size=8 daemon/bin/trousse.js demo "$@"
