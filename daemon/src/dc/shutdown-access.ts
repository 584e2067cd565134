import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/errors.ts';
import { run } from '../core/exec.ts';
import { ldapAttr as attr, ldapReplace as replace, unicodePwd as pwdValue } from './attrs.ts';
import { filter } from './escape.ts';
import type { LdapConnection } from './ldap.ts';
import { generateServicePassword, readSecretFile, writeSecretFile } from './provision.ts';
import { sidToString } from './files.ts';

/**
 * The domain account that shuts the classroom's Windows PCs down (`net rpc shutdown`), with no
 * other right: an ordinary account in CN=Users (outside the school's OU, so imports and the
 * rollover never touch it), plus one GPO linked to the domain that grants it
 * SeRemoteShutdownPrivilege on the PCs and denies it any interactive logon.
 */

export const SHUTDOWN_LOGIN = 'trousse-extinction';
export const SHUTDOWN_GPO_NAME = 'Trousse - extinction a distance';
/** Security settings client-side extension (SceCli) and its MMC snap-in, as Windows writes them. */
const SECURITY_CSE = '[{827D319E-6EAC-11D2-A4EA-00C04F79F83A}{803E14A0-B4FB-11D0-A0D0-00A0C90F574B}]';

export interface ShutdownAccessDeps {
  ldap: LdapConnection;
  baseDn: string;
  realm: string;
  netbiosName: string;
  smbConf: string;
  adminPasswordFile: string;
  /** Where the account's password and the `net` authentication file are kept (0600). */
  secretsDir: string;
}

export interface ShutdownAccessState {
  login: string;
  domain: string;
  /** The account exists and its password is known here. */
  account: boolean;
  sid: string | null;
  gpo: { guid: string; linked: boolean; grantsShutdown: boolean } | null;
  /** `net -A` file (username, password, domain), 0600. */
  authFile: string;
}


function files(d: ShutdownAccessDeps) {
  return { password: join(d.secretsDir, 'shutdown-account.password'), auth: join(d.secretsDir, 'shutdown-account.auth') };
}

async function findAccount(d: ShutdownAccessDeps): Promise<{ dn: string; sid: string } | null> {
  const [e] = await d.ldap.search(d.baseDn, {
    scope: 'sub',
    filter: filter`(&(objectClass=user)(sAMAccountName=${SHUTDOWN_LOGIN}))`,
    attributes: ['objectSid'],
    explicitBufferAttributes: ['objectSid'],
  });
  return e && Buffer.isBuffer(e.objectSid) ? { dn: e.dn, sid: sidToString(e.objectSid) } : null;
}

async function findGpo(d: ShutdownAccessDeps): Promise<{ dn: string; guid: string; version: number } | null> {
  const [e] = await d.ldap.search(`CN=Policies,CN=System,${d.baseDn}`, {
    scope: 'one',
    filter: filter`(&(objectClass=groupPolicyContainer)(displayName=${SHUTDOWN_GPO_NAME}))`,
    attributes: ['cn', 'versionNumber'],
  });
  return e ? { dn: e.dn, guid: String(e.cn), version: Number(e.versionNumber) || 0 } : null;
}

async function sysvolPolicies(d: ShutdownAccessDeps): Promise<string> {
  const r = await run('testparm', ['-s', '--section-name=sysvol', '--parameter-name=path', d.smbConf], { timeoutMs: 20_000 });
  const path = r.stdout.trim();
  if (r.code !== 0 || !path) throw new AppError('SYSVOL_UNKNOWN', 'Le dossier SYSVOL du contrôleur de domaine est introuvable (partage « sysvol » absent de smb.conf).', 500);
  return join(path, d.realm.toLowerCase(), 'Policies');
}

function securityTemplate(sid: string): Buffer {
  const text = [
    '[Unicode]',
    'Unicode=yes',
    '[Version]',
    'signature="$CHICAGO$"',
    'Revision=1',
    '[Privilege Rights]',
    // local Administrators keep the right; the Trousse account gets it and nothing else
    `SeRemoteShutdownPrivilege = *S-1-5-32-544,*${sid}`,
    `SeDenyInteractiveLogonRight = *${sid}`,
    `SeDenyRemoteInteractiveLogonRight = *${sid}`,
    '',
  ].join('\r\n');
  // GptTmpl.inf is UTF-16 LE with a byte-order mark, as the Group Policy editor writes it
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

async function sambaTool(d: ShutdownAccessDeps, args: string[]): Promise<string> {
  const pw = readSecretFile(d.adminPasswordFile);
  // the password travels in the environment (never on a command line that `ps` shows)
  const r = await run('samba-tool', [...args, '-s', d.smbConf, '-H', 'ldap://127.0.0.1', '-U', 'Administrator'], {
    timeoutMs: 60_000,
    env: { ...process.env, PASSWD: pw },
    secrets: [pw],
  });
  if (r.code !== 0) throw new AppError('SAMBA_TOOL_FAILED', `samba-tool ${args.slice(0, 2).join(' ')} a échoué : ${(r.stderr || r.stdout).trim().split('\n').at(-1) ?? ''}`, 500);
  return r.stdout;
}

/** What exists now (read-only). */
export async function shutdownAccessState(d: ShutdownAccessDeps): Promise<ShutdownAccessState> {
  const f = files(d);
  const account = await findAccount(d);
  const gpo = await findGpo(d);
  let gpoState: ShutdownAccessState['gpo'] = null;
  if (gpo) {
    const [root] = await d.ldap.search(d.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['gPLink'] });
    const linked = String(root?.gPLink ?? '').toLowerCase().includes(gpo.guid.toLowerCase());
    let grantsShutdown = false;
    try {
      const inf = readFileSync(join(await sysvolPolicies(d), gpo.guid, 'Machine/Microsoft/Windows NT/SecEdit/GptTmpl.inf')).toString('utf16le');
      grantsShutdown = account !== null && inf.includes(`SeRemoteShutdownPrivilege = *S-1-5-32-544,*${account.sid}`);
    } catch {
      grantsShutdown = false;
    }
    gpoState = { guid: gpo.guid, linked, grantsShutdown };
  }
  return {
    login: SHUTDOWN_LOGIN,
    domain: d.netbiosName,
    account: account !== null && existsSync(f.password) && existsSync(f.auth),
    sid: account?.sid ?? null,
    gpo: gpoState,
    authFile: f.auth,
  };
}

/**
 * Creates (or repairs) the account and its GPO. Idempotent: a second run changes nothing but
 * a lost password (then reset) or a missing link.
 */
export async function ensureShutdownAccess(d: ShutdownAccessDeps): Promise<ShutdownAccessState> {
  const f = files(d);
  let account = await findAccount(d);
  const known = existsSync(f.password);
  const password = known ? readSecretFile(f.password) : generateServicePassword(32);
  if (!account) {
    const dn = `CN=${SHUTDOWN_LOGIN},CN=Users,${d.baseDn}`;
    await d.ldap.withClient((c) =>
      c.add(dn, [
        attr('objectClass', ['top', 'person', 'organizationalPerson', 'user']),
        attr('sAMAccountName', [SHUTDOWN_LOGIN]),
        attr('userPrincipalName', [`${SHUTDOWN_LOGIN}@${d.realm.toLowerCase()}`]),
        attr('displayName', ['Trousse — extinction des postes']),
        attr('description', ['Compte de service de Trousse : extinction à distance des postes (aucun autre droit).']),
        // NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
        attr('userAccountControl', ['66048']),
        attr('unicodePwd', [pwdValue(password)]),
      ]),
    );
    account = await findAccount(d);
    if (!account) throw new AppError('SHUTDOWN_ACCOUNT', 'Le compte d’extinction n’a pas pu être créé.', 500);
  } else if (!known) {
    // the account exists but this server lost its password: set a new one
    await d.ldap.withClient((c) => c.modify(account?.dn ?? '', [replace('unicodePwd', [pwdValue(password)])]));
  }
  if (!known) writeSecretFile(f.password, password);
  writeSecretFile(f.auth, `username = ${SHUTDOWN_LOGIN}\npassword = ${password}\ndomain = ${d.netbiosName}`);

  let gpo = await findGpo(d);
  if (!gpo) {
    await sambaTool(d, ['gpo', 'create', SHUTDOWN_GPO_NAME]);
    gpo = await findGpo(d);
    if (!gpo) throw new AppError('SHUTDOWN_GPO', 'La stratégie de groupe d’extinction n’a pas pu être créée.', 500);
  }
  const dir = join(await sysvolPolicies(d), gpo.guid);
  const infDir = join(dir, 'Machine/Microsoft/Windows NT/SecEdit');
  const infFile = join(infDir, 'GptTmpl.inf');
  const wanted = securityTemplate(account.sid);
  const current = existsSync(infFile) ? readFileSync(infFile) : null;
  if (!current?.equals(wanted)) {
    mkdirSync(infDir, { recursive: true });
    writeFileSync(infFile, wanted);
    // the machine half of the version is the low word; PCs re-apply a GPO whose version changed
    const version = (gpo.version & 0xffff0000) | (((gpo.version & 0xffff) + 1) & 0xffff);
    writeFileSync(join(dir, 'GPT.INI'), `[General]\r\nVersion=${version}\r\ndisplayName=${SHUTDOWN_GPO_NAME}\r\n`);
    await d.ldap.withClient((c) => c.modify(gpo?.dn ?? '', [replace('gPCMachineExtensionNames', [SECURITY_CSE]), replace('versionNumber', [String(version)])]));
    // the files written here get the ACLs Windows expects on SYSVOL
    const pw = readSecretFile(d.adminPasswordFile);
    const r = await run('samba-tool', ['ntacl', 'sysvolreset', '-s', d.smbConf], { timeoutMs: 120_000, secrets: [pw] });
    if (r.code !== 0) throw new AppError('SYSVOL_ACL', `Les droits de SYSVOL n’ont pas pu être remis : ${r.stderr.trim().split('\n').at(-1) ?? ''}`, 500);
  }
  const state = await shutdownAccessState(d);
  if (!state.gpo?.linked) await sambaTool(d, ['gpo', 'setlink', d.baseDn, gpo.guid]);
  return shutdownAccessState(d);
}
