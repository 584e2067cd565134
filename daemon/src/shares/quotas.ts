import { existsSync, readFileSync } from 'node:fs';
import { run, runChecked } from '../core/exec.ts';

/**
 * Quotas: real filesystem quotas (setquota) where the kernel and the mount support them,
 * otherwise measured usage with warnings ("report" mode). The console says which mode runs.
 */

export type QuotaMode =
  | { mode: 'filesystem'; mount: string; device: string }
  | { mode: 'report'; reason: string };

interface MountEntry {
  mountPoint: string;
  fsType: string;
  device: string;
  options: string[];
}

/** Mount points from /proc/self/mountinfo (escaped spaces decoded). */
export function readMounts(text = readFileSync('/proc/self/mountinfo', 'utf8')): MountEntry[] {
  const out: MountEntry[] = [];
  const decode = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    out.push({
      mountPoint: decode(l[4] ?? ''),
      fsType: r[0] ?? '',
      device: decode(r[1] ?? ''),
      options: `${l[5] ?? ''},${r[2] ?? ''}`.split(','),
    });
  }
  return out;
}

/** The mount holding `path` (longest mount point that prefixes it). */
export function mountOf(path: string, mounts: MountEntry[]): MountEntry | null {
  let best: MountEntry | null = null;
  for (const m of mounts) {
    const prefix = m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`;
    if ((path === m.mountPoint || path.startsWith(prefix) || m.mountPoint === '/') && (!best || m.mountPoint.length > best.mountPoint.length)) best = m;
  }
  return best;
}

const USER_QUOTA_OPTIONS = ['usrquota', 'usrjquota', 'quota', 'uquota', 'usrjquota=aquota.user'];

/** Which quota mode can run for the folder `path`, with the reason in French when it is "report". */
export async function detectQuotaMode(path: string): Promise<QuotaMode> {
  if (!existsSync('/proc/sys/fs/quota')) {
    return { mode: 'report', reason: 'Le noyau de ce serveur n’a pas les quotas de disque (CONFIG_QUOTA) : Trousse mesure l’occupation et prévient, sans bloquer.' };
  }
  const m = mountOf(path, readMounts());
  if (!m) return { mode: 'report', reason: `Le système de fichiers de ${path} est introuvable.` };
  const hasOption = m.options.some((o) => USER_QUOTA_OPTIONS.some((q) => o === q || o.startsWith('usrjquota=')));
  if (!hasOption && m.fsType !== 'xfs') {
    return {
      mode: 'report',
      reason: `Le système de fichiers ${m.mountPoint} (${m.fsType}) est monté sans l’option usrquota : ajoutez-la dans /etc/fstab, puis « quotacheck -cum ${m.mountPoint} » et « quotaon ${m.mountPoint} » pour des quotas bloquants. En attendant, Trousse mesure et prévient.`,
    };
  }
  const r = await run('quotaon', ['-pu', m.mountPoint], { timeoutMs: 10_000 }).catch(() => null);
  if (!r) return { mode: 'report', reason: 'Le paquet « quota » n’est pas installé (setquota, quotaon) : Trousse mesure et prévient, sans bloquer.' };
  if (!/is on/.test(`${r.stdout}${r.stderr}`)) {
    return { mode: 'report', reason: `Les quotas sont prévus sur ${m.mountPoint} mais pas activés : lancez « quotaon ${m.mountPoint} ». En attendant, Trousse mesure et prévient.` };
  }
  return { mode: 'filesystem', mount: m.mountPoint, device: m.device };
}

/** Writes one user's block limits (KiB); inode limits stay unlimited. */
export async function setUserQuota(mount: string, uid: number, softKb: number, hardKb: number): Promise<void> {
  await runChecked('setquota', ['-u', String(uid), String(softKb), String(hardKb), '0', '0', mount], { timeoutMs: 15_000 });
}

/**
 * Disk usage in bytes of many folders in one `du` call (missing ones are 0). Counts allocated
 * blocks, like the filesystem's quotas.
 */
export async function diskUsage(dirs: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const existing = dirs.filter((d) => existsSync(d));
  for (const d of dirs) out.set(d, 0);
  for (let i = 0; i < existing.length; i += 500) {
    const part = existing.slice(i, i + 500);
    const r = await run('du', ['-s', '-B1', '--', ...part], { timeoutMs: 10 * 60_000 });
    for (const line of r.stdout.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      out.set(line.slice(tab + 1), Number(line.slice(0, tab)) || 0);
    }
  }
  return out;
}
