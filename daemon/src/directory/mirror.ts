import { Control, type Entry } from 'ldapts';
import type { LdapConnection } from '../dc/ldap.ts';
import { filter } from '../dc/escape.ts';

/**
 * An in-memory mirror of the school's OU (accounts, groups, OUs), kept in step with the AD by its
 * update sequence numbers: every read first asks the DC for its highestCommittedUSN (one tiny
 * rootDSE read) and, when it moved, fetches only the objects changed since (plus the tombstones of
 * deleted ones). The AD stays the source of truth; the mirror makes searching and paging through
 * thousands of accounts cheap and lets membership be resolved without a query per user.
 */

export interface UserRecord {
  guid: string;
  dn: string;
  parent: string;
  login: string;
  givenName: string;
  surname: string;
  displayName: string;
  employeeType: string;
  title: string;
  nationalId: string | null;
  uidNumber: number;
  gidNumber: number;
  uac: number;
  pwdLastSet: string;
  lastLogonTimestamp: string;
  whenCreated: string;
  /** What Windows PCs use: the home folder (UNC), its drive letter and the roaming profile (UNC). */
  homeDirectory: string;
  homeDrive: string;
  profilePath: string;
}

export interface GroupRecord {
  guid: string;
  dn: string;
  parent: string;
  name: string;
  description: string;
  marker: string;
  gidNumber: number | null;
  /** Member keys: a user's guid, or "dn:<lower-case dn>" for members outside the mirror. */
  members: Set<string>;
}

export interface OuRecord {
  guid: string;
  dn: string;
  parent: string;
  name: string;
}

const USER_ATTRS = [
  'objectGUID',
  'sAMAccountName',
  'givenName',
  'sn',
  'displayName',
  'employeeType',
  'title',
  'employeeNumber',
  'uidNumber',
  'gidNumber',
  'userAccountControl',
  'pwdLastSet',
  'lastLogonTimestamp',
  'whenCreated',
  'homeDirectory',
  'homeDrive',
  'profilePath',
  'objectClass',
  'ou',
  'description',
  'adminDescription',
  'member',
];

const SHOW_DELETED = '1.2.840.113556.1.4.417';

/** The parent of a DN (everything after the first unescaped comma). */
export function parentDn(dn: string): string {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return dn.slice(i + 1);
  }
  return '';
}

export const dnKey = (dn: string): string => dn.toLowerCase();

function str(v: Entry[string] | undefined): string {
  if (v === undefined) return '';
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined ? '' : Buffer.isBuffer(x) ? x.toString('utf8') : String(x);
}

function list(v: Entry[string] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

function guidOf(e: Entry): string {
  const v = e.objectGUID;
  const b = Array.isArray(v) ? v[0] : v;
  return Buffer.isBuffer(b) ? b.toString('hex') : String(b ?? '');
}

export class DirectoryMirror {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly ous = new Map<string, OuRecord>();
  readonly #byDn = new Map<string, string>();
  readonly #byLogin = new Map<string, string>();
  readonly #ouByDn = new Map<string, string>();
  readonly #ldap: LdapConnection;
  readonly #root: string;
  readonly #baseDn: string;
  #usn = -1;
  #refreshing: Promise<void> | null = null;
  /** Bumped on every change: lets callers cache derived views. */
  version = 0;

  constructor(ldap: LdapConnection, rootDn: string, baseDn: string) {
    this.#ldap = ldap;
    this.#root = rootDn;
    this.#baseDn = baseDn;
  }

  get loaded(): boolean {
    return this.#usn >= 0;
  }

  userByLogin(login: string): UserRecord | undefined {
    const guid = this.#byLogin.get(login.toLowerCase());
    return guid ? this.users.get(guid) : undefined;
  }

  userByDn(dn: string): UserRecord | undefined {
    const guid = this.#byDn.get(dnKey(dn));
    return guid ? this.users.get(guid) : undefined;
  }

  groupByName(name: string): GroupRecord | undefined {
    const n = name.toLowerCase();
    for (const g of this.groups.values()) if (g.name.toLowerCase() === n) return g;
    return undefined;
  }

  ouByDn(dn: string): OuRecord | undefined {
    const guid = this.#ouByDn.get(dnKey(dn));
    return guid ? this.ous.get(guid) : undefined;
  }

  /** Brings the mirror up to date (single flight: concurrent callers share one refresh). */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** Forgets everything: the next refresh reloads the whole OU. */
  invalidate(): void {
    this.#usn = -1;
  }

  async #highestUsn(): Promise<number> {
    const [root] = await this.#ldap.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['highestCommittedUSN'] });
    return Number(str(root?.highestCommittedUSN));
  }

  async #refresh(): Promise<void> {
    const usn = await this.#highestUsn();
    if (usn === this.#usn) return;
    if (this.#usn < 0 || usn < this.#usn) {
      await this.#fullLoad();
      this.#usn = usn;
      this.version++;
      return;
    }
    const since = this.#usn + 1;
    const changed = await this.#ldap.withClient(async (c) => {
      const r = await c.search(this.#baseDn, {
        scope: 'sub',
        filter: `(&(uSNChanged>=${filter`${String(since)}`})(|(objectClass=user)(objectClass=group)(objectClass=organizationalUnit)))`,
        attributes: USER_ATTRS,
        explicitBufferAttributes: ['objectGUID'],
        paged: { pageSize: 500 },
      });
      return r.searchEntries;
    });
    const gone = await this.#ldap.withClient(async (c) => {
      const r = await c.search(
        `CN=Deleted Objects,${this.#baseDn}`,
        { scope: 'sub', filter: `(&(isDeleted=TRUE)(uSNChanged>=${since}))`, attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] },
        [new Control(SHOW_DELETED)],
      );
      return r.searchEntries;
    });
    for (const e of gone) this.#remove(guidOf(e));
    this.#apply(changed);
    this.#usn = usn;
    this.version++;
  }

  async #fullLoad(): Promise<void> {
    const entries = await this.#ldap.withClient(async (c) => {
      try {
        const r = await c.search(this.#root, {
          scope: 'sub',
          filter: '(|(objectClass=user)(objectClass=group)(objectClass=organizationalUnit))',
          attributes: USER_ATTRS,
          explicitBufferAttributes: ['objectGUID'],
          paged: { pageSize: 500 },
        });
        return r.searchEntries;
      } catch (err) {
        if ((err as { code?: number }).code === 32) return [];
        throw err;
      }
    });
    this.users.clear();
    this.groups.clear();
    this.ous.clear();
    this.#byDn.clear();
    this.#byLogin.clear();
    this.#ouByDn.clear();
    this.#apply(entries);
  }

  #inScope(dn: string): boolean {
    const k = dnKey(dn);
    const root = dnKey(this.#root);
    return k === root || k.endsWith(`,${root}`);
  }

  #remove(guid: string): void {
    const u = this.users.get(guid);
    if (u) {
      this.users.delete(guid);
      if (this.#byDn.get(dnKey(u.dn)) === guid) this.#byDn.delete(dnKey(u.dn));
      if (this.#byLogin.get(u.login.toLowerCase()) === guid) this.#byLogin.delete(u.login.toLowerCase());
    }
    this.groups.delete(guid);
    const ou = this.ous.get(guid);
    if (ou) {
      this.ous.delete(guid);
      if (this.#ouByDn.get(dnKey(ou.dn)) === guid) this.#ouByDn.delete(dnKey(ou.dn));
    }
  }

  /** Applies entries: OUs and users first, so that group members resolve to the users' guids. */
  #apply(entries: Entry[]): void {
    const classes = (e: Entry) => list(e.objectClass).map((c) => c.toLowerCase());
    const groups: Entry[] = [];
    for (const e of entries) {
      const guid = guidOf(e);
      const oc = classes(e);
      if (!this.#inScope(e.dn) || oc.includes('computer')) {
        this.#remove(guid);
        continue;
      }
      if (oc.includes('group')) {
        groups.push(e);
      } else if (oc.includes('organizationalunit')) {
        this.#remove(guid);
        this.ous.set(guid, { guid, dn: e.dn, parent: parentDn(e.dn), name: str(e.ou) });
        this.#ouByDn.set(dnKey(e.dn), guid);
      } else if (oc.includes('user')) {
        this.#remove(guid);
        const u: UserRecord = {
          guid,
          dn: e.dn,
          parent: parentDn(e.dn),
          login: str(e.sAMAccountName),
          givenName: str(e.givenName),
          surname: str(e.sn),
          displayName: str(e.displayName),
          employeeType: str(e.employeeType),
          title: str(e.title),
          nationalId: str(e.employeeNumber) || null,
          uidNumber: Number(str(e.uidNumber)) || 0,
          gidNumber: Number(str(e.gidNumber)) || 0,
          uac: Number(str(e.userAccountControl)) || 0,
          pwdLastSet: str(e.pwdLastSet),
          lastLogonTimestamp: str(e.lastLogonTimestamp),
          homeDirectory: str(e.homeDirectory),
          homeDrive: str(e.homeDrive),
          profilePath: str(e.profilePath),
          whenCreated: str(e.whenCreated),
        };
        this.users.set(guid, u);
        this.#byDn.set(dnKey(u.dn), guid);
        this.#byLogin.set(u.login.toLowerCase(), guid);
      }
    }
    for (const e of groups) {
      const guid = guidOf(e);
      const members = new Set<string>();
      for (const m of list(e.member)) members.add(this.#byDn.get(dnKey(m)) ?? `dn:${dnKey(m)}`);
      this.groups.set(guid, {
        guid,
        dn: e.dn,
        parent: parentDn(e.dn),
        name: str(e.sAMAccountName),
        description: str(e.description),
        marker: str(e.adminDescription),
        gidNumber: Number(str(e.gidNumber)) || null,
        members,
      });
    }
  }
}

/** AD generalized time (20261123052518.0Z) → ISO 8601. */
export function fromGeneralizedTime(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : null;
}

/** Windows FILETIME (100 ns since 1601) → ISO 8601, null for 0/never. */
export function fromFileTime(v: string): string | null {
  if (!v || v === '0' || v.startsWith('-') || v === '9223372036854775807') return null;
  const ms = Number(BigInt(v) / 10_000n) - 11_644_473_600_000;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
