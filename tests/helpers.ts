import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { Attribute, Change, } from 'ldapts';
import { buildApp, type TrousseApp } from '../daemon/src/app.ts';
import { parseConfig, type TrousseConfig } from '../daemon/src/core/config.ts';
import { createLogger } from '../daemon/src/core/logger.ts';
import { escapeDnValue } from '../daemon/src/dc/escape.ts';
import { readHarness, type HarnessInfo } from './harness/shared-dc.ts';

export { readHarness };

export function tempDir(t: Test, prefix = 'trousse-t-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A config for an in-process daemon that uses the run's shared DC without managing it. */
export function testConfig(dataDir: string, h: HarnessInfo, overrides: Record<string, unknown> = {}): TrousseConfig {
  const base: Record<string, unknown> = {
    school: h.school,
    dataDir,
    http: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
    // shares write the DC's one include: only the shares tests (serial) turn them on
    shares: { enabled: false, includeFile: h.sharesInclude, root: join(dataDir, 'srv') },
    // no polling, schedules nor UDP listener unless a devices test turns them on (ports 0 then)
    devices: { enabled: false, notifyPort: 0, searchBindPort: 0 },
    dc: {
      managed: false,
      serviceName: null,
      hostName: 'dc1',
      smbConf: h.smbConf,
      caFile: h.caFile,
      adminPasswordFile: h.adminPasswordFile,
      healthIntervalMs: 1000,
    },
  };
  for (const [k, v] of Object.entries(overrides)) {
    base[k] = typeof v === 'object' && v && !Array.isArray(v) ? { ...(base[k] as object), ...v } : v;
  }
  return parseConfig(base, dataDir, 'test');
}

export const ADMIN = { login: 'admin', password: 'Un-mot-de-passe-solide-42' };

/**
 * Settings that give a test app a teachers group, an OU and group names of its own, so that test
 * files running in parallel never share one (sAMAccountName is domain-wide); uid numbers in a
 * range of their own. `homes` is where its home folders live.
 */
export function isolatedOverrides(homes: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = uniq();
  return {
    ...overrides,
    auth: { teacherGroup: `ens-${id}`, ...(overrides.auth as object | undefined) },
    directory: {
      ou: `t-${id}`,
      groupPrefix: `${id}-`,
      pupilsGroup: `elv-${id}`,
      staffGroup: `pers-${id}`,
      firstUidNumber: 100_000 + Math.floor(Math.random() * 1_000) * 1_000,
      firstGidNumber: 100_000 + Math.floor(Math.random() * 1_000) * 1_000,
      homeRoot: homes,
      ...(overrides.directory as object | undefined),
    },
  };
}

/**
 * Builds and starts an in-process daemon on its own temp data, with one console administrator.
 * `reuse` starts it again on the data and settings of an earlier one (a restart after a crash).
 */
export async function startTestApp(
  t: Test,
  overrides: Record<string, unknown> = {},
  reuse?: { dataDir: string; overrides: Record<string, unknown> },
): Promise<TrousseApp> {
  const h = readHarness();
  const dir = reuse?.dataDir ?? tempDir(t);
  // an appliance's data and share folders are traversable by the school's accounts (smbd opens them as the user)
  chmodSync(dir, 0o755);
  const settings = reuse?.overrides ?? isolatedOverrides(join(dir, 'homes'), overrides);
  const app = await buildApp(testConfig(dir, h, settings), { logger: createLogger('silent') });
  t.teardown(async () => {
    await app.close();
    await removeTestOu(app);
  });
  await app.start();
  if (!reuse) await app.auth.createAdmin(ADMIN.login, 'Admin de test', ADMIN.password);
  return app;
}

/** Removes what a test app's directory created in the shared DC: its OU (tree delete) and password settings. */
async function removeTestOu(app: TrousseApp): Promise<void> {
  const base = app.dc.identity.baseDn;
  await app.dc.ldap
    .withClient(async (c) => {
      await c.del(`CN=${escapeDnValue(`Trousse ${app.config.directory.ou}`)},CN=Password Settings Container,CN=System,${base}`).catch(() => {});
    })
    .catch(() => {});
  await app.dc.ldap.close();
  await treeDelete(`OU=${escapeDnValue(app.config.directory.ou)},${base}`).catch(() => {});
}

/**
 * Deletes a subtree of the shared DC with `ldapdelete` and the tree-delete control. Not through
 * the daemon's LDAP client: a tree of a thousand accounts takes Samba 20 to 50 s, far beyond one
 * operation's timeout, and what a test leaves behind slows every later search of the run.
 */
export async function treeDelete(dn: string): Promise<void> {
  try {
    await ldapTool('ldapdelete', ['-e', '!1.2.840.113556.1.4.805', dn], 300_000);
  } catch (err) {
    // 32: no such object (already gone)
    if ((err as { code?: unknown }).code !== 32) throw err;
  }
}

let adminPasswordDir: string | null = null;

/**
 * Arguments and environment for an OpenLDAP client (ldapadd, ldapmodify, ldapdelete) bound as the
 * shared DC's Administrator. The password goes through a private file (removed when the process
 * exits), never the command line.
 */
export function adminLdap(): { args: string[]; env: NodeJS.ProcessEnv } {
  const h = readHarness();
  if (!adminPasswordDir) {
    const dir = mkdtempSync(join(tmpdir(), 'trousse-ldap-'));
    writeFileSync(join(dir, 'pw'), readFileSync(h.adminPasswordFile, 'utf8').trim(), { mode: 0o600 });
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    adminPasswordDir = dir;
  }
  return {
    args: ['-H', 'ldaps://127.0.0.1', '-x', '-D', `Administrator@${h.school.dnsDomain.toUpperCase()}`, '-y', join(adminPasswordDir, 'pw')],
    env: { ...process.env, LDAPTLS_CACERT: h.caFile, LDAPTLS_REQCERT: 'allow' },
  };
}

/** Runs an OpenLDAP client as the Administrator; the error carries the tool's exit code (`code`). */
export function ldapTool(tool: 'ldapadd' | 'ldapmodify' | 'ldapdelete', args: string[], timeoutMs = 600_000): Promise<{ stdout: string; stderr: string }> {
  const { args: base, env } = adminLdap();
  return new Promise((resolve, reject) => {
    execFile(tool, [...base, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      reject(Object.assign(new Error(`${tool}: ${stderr || err.message}`), { code: (err as { code?: unknown }).code }));
    });
  });
}

export interface Session {
  cookie: string;
  csrf: string;
}

export async function login(app: TrousseApp, loginName = ADMIN.login, password = ADMIN.password): Promise<Session> {
  const r = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: loginName, password } });
  if (r.statusCode !== 200) throw new Error(`login failed: ${r.statusCode} ${r.body}`);
  const cookie = r.cookies.find((c) => c.name === 'trousse_sid');
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `trousse_sid=${cookie.value}`, csrf: (r.json() as { csrfToken: string }).csrfToken };
}

export interface ApiReply<T> {
  status: number;
  /** Parsed JSON, or the text when the reply is not JSON. */
  body: T;
  raw: string;
}

/**
 * Calls the app's API (`/api/v1` + url) through inject, as `session` by default (cookie and CSRF
 * token); another session and extra headers (a CSV's content type) can be given per call.
 */
export function apiClient(app: TrousseApp, session: Session) {
  return async <T = unknown>(method: string, url: string, payload?: unknown, s: Session = session, headers: Record<string, string> = {}): Promise<ApiReply<T>> => {
    const r = await app.app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...headers },
      payload: payload as string,
    });
    return { status: r.statusCode, body: (r.headers['content-type']?.toString().includes('json') ? r.json() : r.body) as T, raw: r.body };
  };
}

/** A unique suffix so that each test's directory entries never collide. */
export function uniq(): string {
  return randomBytes(4).toString('hex');
}

/** A unique suffix made of letters only, for people's names (logins drop digits). */
export function uniqName(): string {
  return [...uniq()].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

/**
 * Creates, in the shared DC, an isolated OU with a teachers group (named as the app's teacherGroup)
 * plus the given users, and removes it all at teardown.
 */
export async function directoryFixture(
  t: Test,
  app: TrousseApp,
  users: { login: string; password: string; teacher: boolean }[],
): Promise<{ ou: string }> {
  const base = app.dc.identity.baseDn;
  const ou = `OU=t-${uniq()},${base}`;
  const created: string[] = [];
  await app.dc.ldap.withClient(async (c) => {
    await c.add(ou, { objectClass: ['top', 'organizationalUnit'] });
    created.push(ou);
    const teacherDns: string[] = [];
    for (const u of users) {
      const dn = `CN=${escapeDnValue(u.login)},${ou}`;
      await c.add(dn, [
        new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
        new Attribute({ type: 'sAMAccountName', values: [u.login] }),
        new Attribute({ type: 'displayName', values: [`Test ${u.login}`] }),
        new Attribute({ type: 'userAccountControl', values: ['512'] }),
        new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${u.password}"`, 'utf16le')] }),
      ]);
      created.push(dn);
      if (u.teacher) teacherDns.push(dn);
    }
    // the directory service creates the teachers group when it starts; otherwise make one here
    const existing = await c.search(app.dc.identity.baseDn, {
      scope: 'sub',
      filter: `(&(objectClass=group)(sAMAccountName=${app.config.auth.teacherGroup}))`,
      attributes: ['cn'],
    });
    let groupDn = existing.searchEntries[0]?.dn;
    if (!groupDn) {
      groupDn = `CN=${escapeDnValue(app.config.auth.teacherGroup)},${ou}`;
      await c.add(groupDn, { objectClass: ['top', 'group'], sAMAccountName: app.config.auth.teacherGroup, groupType: '-2147483646' });
      created.push(groupDn);
    }
    for (const dn of teacherDns) {
      await c.modify(groupDn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) }));
    }
  });
  t.teardown(async () => {
    await app.dc.ldap
      .withClient(async (c) => {
        for (const dn of created.reverse()) await c.del(dn).catch(() => {});
      })
      .catch(() => {});
  });
  return { ou };
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
