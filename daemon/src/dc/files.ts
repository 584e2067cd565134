import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { run, runChecked } from '../core/exec.ts';
import { AppError, errorMessage } from '../core/errors.ts';

/**
 * The DC as a file server: the include file that holds the school's shares, its check with
 * `testparm`, the reload that keeps sessions open, and Windows ACLs written through Samba's own
 * VFS (so that the stored NT ACL and the POSIX ACL agree, as `samba-tool ntacl set` does).
 */

/** One Windows ACL to write: an SDDL (hex access masks only: `FA` is wrong in Samba 4.17) on a path of a share. */
export interface NtAclJob {
  path: string;
  sddl: string;
  /** The share the path belongs to (Samba applies that share's VFS settings). */
  service: string;
}

const INCLUDE_MARK = '# Partages de Trousse (fichier généré, ne pas modifier à la main)';

/** The include line (as the last parameter of [global]); true when the file had to be changed. */
export function ensureInclude(smbConf: string, includeFile: string): boolean {
  const text = readFileSync(smbConf, 'utf8');
  const line = `\tinclude = ${includeFile}`;
  if (text.split('\n').some((l) => l.trim() === line.trim())) return false;
  const lines = text.split('\n');
  const global = lines.findIndex((l) => /^\s*\[global\]\s*$/i.test(l));
  if (global < 0) throw new AppError('SMB_CONF_INVALID', `${smbConf} n’a pas de section [global].`, 500);
  let end = lines.findIndex((l, i) => i > global && /^\s*\[/.test(l));
  if (end < 0) end = lines.length;
  while (end > global + 1 && (lines[end - 1] ?? '').trim() === '') end--;
  lines.splice(end, 0, line);
  if (!existsSync(includeFile)) writeFileSync(includeFile, `${INCLUDE_MARK}\n`, { mode: 0o644 });
  const tmp = `${smbConf}.tmp-${process.pid}`;
  writeFileSync(tmp, lines.join('\n'), { mode: 0o644 });
  renameSync(tmp, smbConf);
  return true;
}

/** True when smb.conf includes that file. */
export function hasInclude(smbConf: string, includeFile: string): boolean {
  try {
    return readFileSync(smbConf, 'utf8')
      .split('\n')
      .some((l) => /^\s*include\s*=/.test(l) && l.split('=').slice(1).join('=').trim() === includeFile);
  } catch {
    return false;
  }
}

/**
 * Checks a candidate include with testparm (the real smb.conf, with the include pointing to the
 * candidate), then puts it in place atomically. Unknown parameters count as errors.
 */
export async function installInclude(smbConf: string, includeFile: string, text: string): Promise<{ changed: boolean }> {
  const body = `${INCLUDE_MARK}\n${text}`;
  if (existsSync(includeFile) && readFileSync(includeFile, 'utf8') === body) return { changed: false };
  const dir = mkdtempSync(join(tmpdir(), 'trousse-smbconf-'));
  try {
    const candidate = join(dir, 'shares.conf');
    writeFileSync(candidate, body);
    const main = readFileSync(smbConf, 'utf8')
      .split('\n')
      .map((l) => (/^\s*include\s*=/.test(l) && l.split('=').slice(1).join('=').trim() === includeFile ? `\tinclude = ${candidate}` : l))
      .join('\n');
    const conf = join(dir, 'smb.conf');
    writeFileSync(conf, main);
    const r = await run('testparm', ['-s', conf], { timeoutMs: 30_000 });
    const problems = r.stderr
      .split('\n')
      .filter((l) => /unknown parameter|ignoring unknown|error|invalid|Global parameter .* found in service section/i.test(l));
    if (r.code !== 0 || problems.length > 0) {
      throw new AppError('SHARES_CONF_INVALID', `La configuration des partages est refusée par testparm : ${(problems.join(' ; ') || r.stderr.trim()).slice(0, 500)}`, 500);
    }
    mkdirSync(dirname(includeFile), { recursive: true });
    const tmp = `${includeFile}.tmp-${process.pid}`;
    writeFileSync(tmp, body, { mode: 0o644 });
    renameSync(tmp, includeFile);
    return { changed: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asks the running smbd to reload its configuration (open sessions stay). */
export async function reloadSmbd(smbConf: string): Promise<void> {
  await runChecked('smbcontrol', [`--configfile=${smbConf}`, 'smbd', 'reload-config'], { timeoutMs: 15_000 });
}

/**
 * Writes Windows ACLs in one Python process using Samba's bindings (smbd.set_nt_acl, what
 * `samba-tool ntacl set` calls): about 20 ms a path instead of 300 ms a `samba-tool` call.
 * Debian's python3 is used explicitly (Samba's modules live in its dist-packages).
 */
const NTACL_HELPER = `
import sys, json
from samba.samba3 import smbd
from samba.dcerpc import security
from samba.auth_util import system_session_unix
from samba.samba3 import param as s3param
s3 = s3param.get_context(); s3.load(sys.argv[1])
dom = security.dom_sid(sys.argv[2])
sess = system_session_unix()
flags = security.SECINFO_OWNER | security.SECINFO_GROUP | security.SECINFO_DACL
for line in sys.stdin:
    job = json.loads(line)
    try:
        sd = security.descriptor.from_sddl(job['sddl'], dom)
        smbd.set_nt_acl(job['path'], flags, sd, sess, service=job['service'])
        print(json.dumps({'path': job['path'], 'ok': True}), flush=True)
    except Exception as e:
        print(json.dumps({'path': job['path'], 'ok': False, 'error': str(e)}), flush=True)
`;

export interface NtAclResult {
  path: string;
  ok: boolean;
  error?: string;
}

export async function setNtAcls(smbConf: string, domainSid: string, jobs: NtAclJob[]): Promise<NtAclResult[]> {
  if (jobs.length === 0) return [];
  const out: NtAclResult[] = [];
  for (let i = 0; i < jobs.length; i += 2000) {
    const chunk = jobs.slice(i, i + 2000);
    const r = await run('/usr/bin/python3', ['-c', NTACL_HELPER, smbConf, domainSid], {
      input: `${chunk.map((j) => JSON.stringify(j)).join('\n')}\n`,
      timeoutMs: 60_000 + chunk.length * 1000,
    });
    const results = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as NtAclResult);
    if (r.code !== 0 && results.length < chunk.length) {
      throw new AppError('NTACL_FAILED', `L’écriture des droits Windows a échoué : ${errorMessage(r.stderr.trim().split('\n').slice(-2).join(' '))}`, 500);
    }
    out.push(...results);
  }
  return out;
}

/** A binary objectSid as its string form (S-1-5-21-…). */
export function sidToString(buf: Buffer): string {
  const revision = buf[0] as number;
  const count = buf[1] as number;
  let authority = 0n;
  for (let i = 2; i < 8; i++) authority = (authority << 8n) | BigInt(buf[i] as number);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(buf.readUInt32LE(8 + i * 4));
  return `S-${revision}-${authority}${subs.map((s) => `-${s}`).join('')}`;
}

/** Who is connected to which share right now (smbstatus), by uid. */
export async function smbConnections(smbConf: string): Promise<{ uid: number; service: string; machine: string }[]> {
  const r = await run('smbstatus', [`--configfile=${smbConf}`, '--json'], { timeoutMs: 15_000 });
  if (r.code !== 0) return [];
  try {
    const j = JSON.parse(r.stdout) as {
      sessions?: Record<string, { session_id: string; uid: number; remote_machine: string }>;
      tcons?: Record<string, { service: string; session_id: string; machine: string }>;
    };
    const sessions = new Map(Object.values(j.sessions ?? {}).map((s) => [s.session_id, s]));
    return Object.values(j.tcons ?? {}).flatMap((t) => {
      const s = sessions.get(t.session_id);
      return s ? [{ uid: Number(s.uid), service: t.service, machine: t.machine }] : [];
    });
  } catch {
    return [];
  }
}
