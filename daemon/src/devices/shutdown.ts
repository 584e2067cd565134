import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../core/exec.ts';

/**
 * Shutting classroom PCs down (formats.md §4.2).
 * - Windows: `net rpc shutdown` (MS-RSP over SMB) with the dedicated domain account, whose
 *   credentials go through a 0600 authentication file (never on the command line).
 * - Linux: SSH with a key of its own, which the PC accepts only for one forced command
 *   (`restrict`, `from=` the server, `command=` poweroff or reboot).
 */

export interface ShutdownOutcome {
  ok: boolean;
  /** French, for the administrator or the teacher. */
  message: string;
}

export interface WindowsShutdown {
  host: string;
  authFile: string;
  smbConf: string | null;
  reboot: boolean;
  delaySeconds: number;
  message: string;
}

/** What `net rpc shutdown` printed, in words the administrator can act on. */
export function explainNetRpc(code: number | null, output: string, reboot: boolean): ShutdownOutcome {
  const text = output.trim();
  if (code === 0 && /succeeded/i.test(text)) return { ok: true, message: reboot ? 'Redémarrage demandé.' : 'Extinction demandée.' };
  if (/ACCESS_DENIED|LOGON_FAILURE/i.test(text)) {
    return {
      ok: false,
      message: /LOGON_FAILURE/i.test(text)
        ? 'Le poste refuse le compte d’extinction (mot de passe ou domaine). Préparez de nouveau le compte dans Salles › Planification.'
        : 'Accès refusé par le poste : la stratégie « Trousse - extinction a distance » n’y est pas encore appliquée (redémarrez-le une fois, ou lancez gpupdate /force).',
    };
  }
  if (/HOST_UNREACHABLE|IO_TIMEOUT|CONNECTION_REFUSED|NETWORK_UNREACHABLE|Connection to .* failed|UNSUCCESSFUL/i.test(text)) {
    return { ok: false, message: 'Le poste ne répond pas (déjà éteint, ou pare-feu Windows fermé au partage de fichiers).' };
  }
  const last = text.split('\n').filter(Boolean).at(-1) ?? `code ${code}`;
  return { ok: false, message: `Extinction refusée par le poste : ${last.slice(0, 200)}` };
}

export async function shutdownWindows(o: WindowsShutdown): Promise<ShutdownOutcome> {
  const args = ['rpc', 'shutdown', '-I', o.host, '-A', o.authFile, '-f', '-t', String(o.delaySeconds), '-C', o.message];
  if (o.reboot) args.push('-r');
  if (o.smbConf) args.push('-s', o.smbConf);
  const r = await run('net', args, { timeoutMs: 30_000 });
  return explainNetRpc(r.code, `${r.stdout}\n${r.stderr}`, o.reboot);
}

export interface SshKeys {
  privateKey: string;
  publicKey: string;
  knownHosts: string;
}

/** The server's own key pair for Linux PCs, made once (ed25519, no passphrase, 0600). */
export async function ensureSshKey(dir: string, comment: string): Promise<SshKeys> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKey = join(dir, 'shutdown_ed25519');
  if (!existsSync(privateKey)) {
    const r = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', privateKey], { timeoutMs: 20_000 });
    if (r.code !== 0) throw new Error(`ssh-keygen: ${r.stderr.trim()}`);
  }
  return { privateKey, publicKey: `${privateKey}.pub`, knownHosts: join(dir, 'known_hosts') };
}

/**
 * The line a Linux PC puts in the authorized_keys of `user`: only from the server, no shell, no
 * forwarding, and the one command (reboot when asked, else poweroff).
 */
export function authorizedKeysLine(publicKey: string, serverAddresses: string[], command?: string): string {
  const forced = command ?? 'case "$SSH_ORIGINAL_COMMAND" in reboot) exec /usr/bin/systemctl reboot ;; *) exec /usr/bin/systemctl poweroff ;; esac';
  const from = serverAddresses.length > 0 ? `,from="${serverAddresses.join(',')}"` : '';
  return `restrict${from},command="${forced.replaceAll('"', '\\"')}" ${publicKey.trim()}`;
}

export function readPublicKey(keys: SshKeys): string {
  return readFileSync(keys.publicKey, 'utf8').trim();
}

export async function shutdownLinux(o: { host: string; port?: number; user: string; keys: SshKeys; reboot: boolean; timeoutSeconds?: number }): Promise<ShutdownOutcome> {
  const args = [
    '-i', o.keys.privateKey,
    '-p', String(o.port ?? 22),
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', `ConnectTimeout=${o.timeoutSeconds ?? 5}`,
    '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${o.keys.knownHosts}`,
    '-o', 'LogLevel=ERROR',
    '-l', o.user,
    '--', o.host,
    o.reboot ? 'reboot' : 'poweroff',
  ];
  const r = await run('ssh', args, { timeoutMs: ((o.timeoutSeconds ?? 5) + 15) * 1000 });
  const err = r.stderr.trim();
  // the PC going down may cut the session before ssh sees the command end (255, "closed by remote host")
  if (r.code === 0 || /closed by remote host|Connection .* closed/i.test(err)) return { ok: true, message: o.reboot ? 'Redémarrage demandé.' : 'Extinction demandée.' };
  if (/Permission denied/i.test(err)) return { ok: false, message: `Le poste refuse la clé de Trousse : ajoutez la ligne de Salles › Planification au fichier authorized_keys de « ${o.user} ».` };
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i.test(err)) {
    return { ok: false, message: 'La clé SSH du poste a changé (poste réinstallé ?) : retirez-le du fichier known_hosts de Trousse.' };
  }
  if (/timed out|No route|refused|Could not resolve/i.test(err)) return { ok: false, message: 'Le poste ne répond pas en SSH (déjà éteint, ou service SSH arrêté).' };
  return { ok: false, message: `Extinction refusée : ${(err.split('\n').at(-1) ?? `code ${r.code}`).slice(0, 200)}` };
}
