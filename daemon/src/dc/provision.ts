import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { Logger } from '../core/logger.ts';
import { runChecked } from '../core/exec.ts';
import { StartupError, errorMessage } from '../core/errors.ts';
import type { DomainIdentity } from './naming.ts';
import type { DcPaths } from './paths.ts';

export interface ProvisionMarker {
  realm: string;
  netbiosName: string;
  hostName: string;
  provisionedAt: string;
}

export interface ProvisionOptions {
  identity: DomainIdentity;
  paths: DcPaths;
  interfaces: string[];
  dnsForwarder: string;
  log: Logger;
  onProgress?: (message: string) => void;
}

const PW_ALPHABETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '-_.+!'];

/** A random password meeting AD complexity (all four character classes), for the service account. */
export function generateServicePassword(length = 28): string {
  const all = PW_ALPHABETS.join('');
  const chars = PW_ALPHABETS.map((a) => a[randomInt(a.length)] as string);
  while (chars.length < length) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

/** Writes a secret file (0600, parent 0700) atomically. */
export function writeSecretFile(file: string, value: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${value}\n`, { mode: 0o600 });
  // rename is atomic: a crash never leaves a half-written secret
  renameSync(tmp, file);
}

export function readSecretFile(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

export function readMarker(paths: DcPaths): ProvisionMarker | null {
  try {
    return JSON.parse(readFileSync(paths.marker, 'utf8')) as ProvisionMarker;
  } catch {
    return null;
  }
}

/**
 * Provisions the school's AD domain with samba-tool (managed instance: under paths.root, bound
 * to the configured interfaces, never touching /etc/samba). The marker file is written last: an
 * instance without it is a failed or interrupted provision, removed and redone at the next start.
 */
export async function provisionDomain(opts: ProvisionOptions): Promise<ProvisionMarker> {
  const { identity, paths, log } = opts;
  const root = paths.root;
  if (!root) throw new StartupError('DC_PROVISION_UNMANAGED', 'Le domaine du système se crée avec provisioning/ (dc.managed = false).');
  if (existsSync(root)) {
    log.warn({ root }, 'removing an unfinished provision');
    rmSync(root, { recursive: true, force: true });
  }
  let password: string;
  if (existsSync(paths.adminPasswordFile)) {
    password = readSecretFile(paths.adminPasswordFile);
  } else {
    password = generateServicePassword();
    writeSecretFile(paths.adminPasswordFile, password);
  }
  mkdirSync(join(root, 'etc'), { recursive: true, mode: 0o755 });
  mkdirSync(paths.logDir, { recursive: true });
  mkdirSync(join(paths.runDir as string, 'ncalrpc'), { recursive: true });
  const emptyConf = join(root, 'etc', 'empty.conf');
  writeFileSync(emptyConf, '');
  opts.onProgress?.(`Création du domaine ${identity.realm}…`);
  const t0 = performance.now();
  try {
    await runChecked(
      'samba-tool',
      [
        'domain',
        'provision',
        '-s',
        emptyConf,
        `--targetdir=${root}`,
        `--realm=${identity.realm}`,
        `--domain=${identity.netbiosName}`,
        '--server-role=dc',
        '--dns-backend=SAMBA_INTERNAL',
        '--use-rfc2307',
        `--host-name=${identity.hostName}`,
        `--adminpass=${password}`,
        `--option=interfaces=${opts.interfaces.join(' ')}`,
        '--option=bind interfaces only=yes',
        `--option=log file=${join(paths.logDir, 'log.%m')}`,
        `--option=dns forwarder=${opts.dnsForwarder}`,
        `--option=pid directory=${paths.runDir}`,
        `--option=ncalrpc dir=${join(paths.runDir as string, 'ncalrpc')}`,
      ],
      { timeoutMs: 180_000, secrets: [password] },
    );
    // A school does not want every account to expire after 42 days (the provision default).
    await runChecked(
      'samba-tool',
      ['domain', 'passwordsettings', 'set', '-s', paths.smbConf, '--max-pwd-age=0', '--min-pwd-age=0'],
      { timeoutMs: 60_000 },
    );
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw new StartupError(
      'DC_PROVISION_FAILED',
      `La création du domaine ${identity.realm} a échoué : ${errorMessage(err)}\nRien n’a été conservé : corrigez la cause (paquets samba et samba-ad-provision installés ? droits root ?) puis relancez.`,
    );
  }
  const marker: ProvisionMarker = {
    realm: identity.realm,
    netbiosName: identity.netbiosName,
    hostName: identity.hostName,
    provisionedAt: new Date().toISOString(),
  };
  writeFileSync(paths.marker, `${JSON.stringify(marker, null, 2)}\n`);
  log.info({ realm: identity.realm, ms: Math.round(performance.now() - t0) }, 'domain provisioned');
  return marker;
}
