import { readdirSync, readFileSync } from 'node:fs';

/** A live (non-zombie) process as seen in /proc. */
export interface ProcInfo {
  pid: number;
  pgid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces: split after the last ')'
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), comm, cmdline };
  } catch {
    return null;
  }
}

export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) out.push(info);
  }
  return out;
}

export function isAlive(pid: number): boolean {
  return readProc(pid) !== null;
}

/**
 * The processes of one samba instance: everything in the given process groups, plus every
 * process started with this instance's configuration file (smbd, winbindd and the on-demand
 * samba-dcerpcd/rpcd_* helpers run in process groups of their own and outlive samba).
 */
export function instanceProcesses(smbConf: string, groups: number[] = []): ProcInfo[] {
  const markers = [`--configfile=${smbConf}`, `-s ${smbConf}`, `--configfile ${smbConf}`];
  const self = process.pid;
  return listProcesses().filter(
    (p) => p.pid !== self && (groups.includes(p.pgid) || markers.some((m) => p.cmdline.includes(m))),
  );
}

/** Sends a signal, ignoring processes that are already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** SIGTERM, wait, then SIGKILL for whatever is left; resolves when none is alive (or after the grace). */
export async function terminateAll(procs: ProcInfo[], graceMs = 3000): Promise<number> {
  if (procs.length === 0) return 0;
  for (const p of procs) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && procs.some((p) => isAlive(p.pid))) await sleep(50);
  const left = procs.filter((p) => isAlive(p.pid));
  for (const p of left) signal(p.pid, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (Date.now() < killDeadline && left.some((p) => isAlive(p.pid))) await sleep(50);
  return procs.length;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
