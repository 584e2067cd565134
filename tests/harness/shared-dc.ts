/**
 * The test run's one real Samba AD DC. It is provisioned and supervised by Trousse itself (a
 * `trousse serve` daemon in managed mode, in a temp dir, bound to loopback, never touching
 * /etc/samba). Test files read its description from the file named by $TROUSSE_HARNESS and
 * build their own in-process daemons against it (dc.managed = false), each with its own data.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instanceProcesses, isAlive, terminateAll } from '../../daemon/src/dc/procs.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = join(REPO, 'daemon/src/main.ts');

export const TEST_SCHOOL = { uai: '0999999Z', name: 'Collège des Tests', dnsDomain: 'trousse-test.lan' };

/**
 * A classroom PC for the shares tests: a network namespace joined to the server by a veth pair.
 * The DC also listens on the server's end, so the PC reaches it only through the network.
 */
export const CLASSROOM_PC = { netns: 'trousse-pc1', serverIp: '10.231.0.1', pcIp: '10.231.0.2', serverIf: 'trs-srv1', pcIf: 'trs-pc1' };

function ip(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: (r.stderr ?? '').trim() };
}

/** Creates the classroom PC's namespace (removing a leftover one first). Throws when the machine cannot (no CAP_NET_ADMIN). */
export function createClassroomPc(): void {
  const pc = CLASSROOM_PC;
  removeClassroomPc();
  const steps = [
    ['netns', 'add', pc.netns],
    ['link', 'add', pc.serverIf, 'type', 'veth', 'peer', 'name', pc.pcIf],
    ['link', 'set', pc.pcIf, 'netns', pc.netns],
    ['addr', 'add', `${pc.serverIp}/24`, 'dev', pc.serverIf],
    ['link', 'set', pc.serverIf, 'up'],
    ['-n', pc.netns, 'addr', 'add', `${pc.pcIp}/24`, 'dev', pc.pcIf],
    ['-n', pc.netns, 'link', 'set', pc.pcIf, 'up'],
    ['-n', pc.netns, 'link', 'set', 'lo', 'up'],
  ];
  for (const s of steps) {
    const r = ip(s);
    if (!r.ok) throw new Error(`cannot create the classroom PC namespace (ip ${s.join(' ')}: ${r.err}); the tests need CAP_NET_ADMIN and CAP_SYS_ADMIN`);
  }
}

export function removeClassroomPc(): void {
  ip(['netns', 'del', CLASSROOM_PC.netns]);
  ip(['link', 'del', CLASSROOM_PC.serverIf]);
}

export interface HarnessInfo {
  dir: string;
  dataDir: string;
  configFile: string;
  url: string;
  pid: number;
  smbConf: string;
  /** The smb.conf include of the school's shares (tests that enable shares write it, one at a time). */
  sharesInclude: string;
  caFile: string;
  adminPasswordFile: string;
  initialAdminPasswordFile: string;
  logFile: string;
  school: typeof TEST_SCHOOL;
}

/** Polls /readyz until 200; returns the wait in ms. Fails if the daemon (pid) exits first. */
export async function waitReady(url: string, timeoutMs: number, pid: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (!isAlive(pid)) throw new Error('the daemon exited during start-up');
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return Date.now() - t0;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} was not ready after ${timeoutMs} ms`);
}

export async function startSharedDc(): Promise<HarnessInfo> {
  createClassroomPc();
  const dir = mkdtempSync(join(tmpdir(), 'trousse-test-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        school: TEST_SCHOOL,
        dataDir,
        http: { host: '127.0.0.1', port: 0 },
        log: { level: 'info' },
        shares: { enabled: false },
        dc: {
          managed: true,
          interfaces: ['lo', `${CLASSROOM_PC.serverIp}/24`],
          hostName: 'dc1',
          restart: { initialDelayMs: 500, maxDelayMs: 5000, stableAfterMs: 10000 },
          healthIntervalMs: 1000,
        },
      },
      null,
      2,
    ),
  );
  const logFile = join(dir, 'daemon.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [MAIN, 'serve', '--config', configFile], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env },
  });
  child.unref();
  const pid = child.pid as number;
  const runtime = join(dataDir, 'run', 'daemon.json');
  const deadline = Date.now() + 20_000;
  while (!existsSync(runtime)) {
    if (Date.now() > deadline || !isAlive(pid)) throw new Error(`harness daemon did not start; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { url } = JSON.parse(readFileSync(runtime, 'utf8')) as { url: string };
  await waitReady(url, 120_000, pid);
  const info: HarnessInfo = {
    dir,
    dataDir,
    configFile,
    url,
    pid,
    smbConf: join(dataDir, 'samba/etc/smb.conf'),
    sharesInclude: join(dataDir, 'samba/etc/trousse-shares.conf'),
    caFile: join(dataDir, 'samba/private/tls/ca.pem'),
    adminPasswordFile: join(dataDir, 'secrets/dc-admin.password'),
    initialAdminPasswordFile: join(dataDir, 'secrets/initial-admin.password'),
    logFile,
    school: TEST_SCHOOL,
  };
  writeFileSync(join(dir, 'harness.json'), JSON.stringify(info, null, 2));
  return info;
}

/** Stops the daemon (SIGTERM: it stops samba) and checks that no process of the instance is left. */
export async function stopSharedDc(info: HarnessInfo, keepDir = false): Promise<string[]> {
  const problems: string[] = [];
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    problems.push('the harness daemon was already gone');
  }
  const deadline = Date.now() + 20_000;
  while (isAlive(info.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(info.pid)) problems.push('the harness daemon did not exit within 20 s of SIGTERM');
  const left = instanceProcesses(info.smbConf);
  if (left.length > 0) {
    problems.push(`processes left behind: ${left.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
    await terminateAll(left);
  }
  if (!keepDir) rmSync(info.dir, { recursive: true, force: true });
  removeClassroomPc();
  return problems;
}

export function readHarness(): HarnessInfo {
  const file = process.env.TROUSSE_HARNESS;
  if (!file) throw new Error('TROUSSE_HARNESS is not set: run the suite with `npm test` (scripts/test.ts starts the shared DC)');
  return JSON.parse(readFileSync(file, 'utf8')) as HarnessInfo;
}
