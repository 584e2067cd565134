import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { TrousseConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { DcStatus, EventBus } from '../core/events.ts';
import type { Journal } from '../core/journal.ts';
import type { Service } from '../core/lifecycle.ts';
import { StartupError, errorMessage } from '../core/errors.ts';
import { sleep } from './procs.ts';
import { deriveDomain, type DomainIdentity } from './naming.ts';
import { dcPaths, type DcPaths } from './paths.ts';
import { provisionDomain, readMarker, readSecretFile } from './provision.ts';
import { LdapConnection } from './ldap.ts';
import { SambaSupervisor, type DcProcessDriver } from './supervisor.ts';
import { SystemdDriver } from './systemd.ts';
import { filter } from './escape.ts';
import { ensureShutdownAccess, shutdownAccessState, type ShutdownAccessDeps, type ShutdownAccessState } from './shutdown-access.ts';
import { ensureInclude, hasInclude, installInclude, reloadSmbd, setNtAcls, sidToString, smbConnections, type NtAclJob, type NtAclResult } from './files.ts';

const DC_PORTS = [88, 389, 445, 636];

export interface DcDeps {
  config: TrousseConfig;
  log: Logger;
  bus: EventBus;
  journal: Journal;
}

/**
 * The school's domain controller: provisions it (managed mode), runs it under a supervisor (or
 * watches the system's service), checks it over LDAPS and publishes its state on the bus.
 * Other capabilities use `ldap` (the shared LDAPS connection) and `identity`.
 */
export class DcService implements Service {
  readonly name = 'dc';
  readonly identity: DomainIdentity;
  readonly paths: DcPaths;
  readonly ldap: LdapConnection;
  readonly #d: DcDeps;
  readonly #driver: DcProcessDriver;
  #ldaps = false;
  #lastCheckAt: string | null = null;
  #lastPublished = '';
  #provisioning = false;
  #loop: AbortController | null = null;
  #loopDone: Promise<void> = Promise.resolve();
  #wake: (() => void) | null = null;

  constructor(deps: DcDeps) {
    this.#d = deps;
    const { config } = deps;
    this.identity = deriveDomain(config.school, config.dc.hostName);
    this.paths = dcPaths(config.dataDir, config.dc);
    this.ldap = new LdapConnection({
      url: config.dc.ldapUrl,
      caFile: this.paths.caFile,
      servername: this.identity.fqdn,
      bindDn: `Administrator@${this.identity.realm}`,
      password: () => readSecretFile(this.paths.adminPasswordFile),
      timeoutMs: config.dc.ldapTimeoutMs,
    });
    const onChange = (): void => this.#publish();
    this.#driver = config.dc.managed
      ? new SambaSupervisor({
          smbConf: this.paths.smbConf,
          runDir: this.paths.runDir as string,
          logDir: this.paths.logDir,
          restart: config.dc.restart,
          log: deps.log,
          onChange: () => {
            onChange();
            this.#wake?.();
          },
        })
      : new SystemdDriver(config.dc.serviceName, deps.log, onChange);
  }

  status(): DcStatus {
    const p = this.#driver.status();
    return {
      state: this.#provisioning ? 'provisioning' : p.state,
      managed: this.#driver.managed,
      pid: p.pid,
      since: p.since,
      restarts: p.restarts,
      lastError: p.lastError,
      ldaps: this.#ldaps,
      lastCheckAt: this.#lastCheckAt,
    };
  }

  /** True when the DC answers over LDAPS (what /readyz needs). */
  get serving(): boolean {
    return this.#ldaps;
  }

  #publish(): void {
    const s = this.status();
    const key = `${s.state}|${s.ldaps}|${s.restarts}|${s.pid}`;
    if (key === this.#lastPublished) return;
    const previous = this.#lastPublished.split('|')[0];
    this.#lastPublished = key;
    this.#d.bus.emit('dc.status', s);
    if (previous === s.state) return;
    const { journal } = this.#d;
    const realm = this.identity.realm;
    if (s.state === 'running') journal.record('info', 'dc', 'dc.running', `Le contrôleur de domaine ${realm} est en service.`);
    else if (s.state === 'restarting')
      journal.record('error', 'dc', 'dc.crashed', `Le contrôleur de domaine s’est arrêté (${s.lastError ?? 'cause inconnue'}) : redémarrage automatique en cours.`);
    else if (s.state === 'failed')
      journal.record('error', 'dc', 'dc.failed', `Le contrôleur de domaine est en panne : ${s.lastError ?? 'il ne répond pas'}.`);
    else if (s.state === 'provisioning') journal.record('info', 'dc', 'dc.provisioning', `Création du domaine ${realm}…`);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, log, journal } = this.#d;
    if (config.dc.managed) {
      const marker = readMarker(this.paths);
      if (marker && marker.realm !== this.identity.realm) {
        throw new StartupError(
          'DC_REALM_MISMATCH',
          `Le domaine déjà créé dans ${this.paths.root} est ${marker.realm}, mais la configuration donne ${this.identity.realm}. Corrigez school.dnsDomain/school.uai ou utilisez un autre dossier de données.`,
        );
      }
      if (!marker) {
        if (!config.dc.provision) {
          throw new StartupError('DC_NOT_PROVISIONED', `Aucun domaine dans ${this.paths.root} et dc.provision vaut false.`);
        }
        this.#provisioning = true;
        this.#publish();
        try {
          await provisionDomain({
            identity: this.identity,
            paths: this.paths,
            interfaces: config.dc.interfaces,
            dnsForwarder: config.dc.dnsForwarder,
            log,
          });
        } finally {
          this.#provisioning = false;
        }
        journal.record('info', 'dc', 'dc.provisioned', `Domaine ${this.identity.realm} créé (NetBIOS ${this.identity.netbiosName}).`);
      }
    }
    if (!existsSync(this.paths.adminPasswordFile)) {
      throw new StartupError(
        'DC_SECRET_MISSING',
        `Le fichier du mot de passe du compte de service de l’annuaire est introuvable : ${this.paths.adminPasswordFile}.`,
      );
    }
    // the school's shares live in an include that the shares capability writes (managed DC: we own smb.conf)
    if (config.dc.managed) ensureInclude(this.paths.smbConf, config.shares.includeFile);
    if (config.dc.managed) await this.#checkPortsFree();
    await this.#driver.start();
    this.#loop = new AbortController();
    this.#loopDone = this.#healthLoop(this.#loop.signal);
    // Wait (bounded) for the first LDAPS answer so that dependants start on a serving DC;
    // a DC that is slow to come up does not fail the start: /readyz reports it.
    const deadline = Date.now() + 30_000;
    while (!this.#ldaps && Date.now() < deadline && !signal.aborted) await sleep(100, signal);
  }

  async #checkPortsFree(): Promise<void> {
    for (const port of DC_PORTS) {
      const free = await new Promise<boolean>((resolve) => {
        const srv = net.createServer();
        srv.once('error', () => resolve(false));
        srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
      });
      if (!free) {
        throw new StartupError(
          'DC_PORT_IN_USE',
          `Le port ${port} est déjà utilisé : un autre serveur Samba ou annuaire tourne sur cette machine. Arrêtez-le (par exemple « systemctl stop samba-ad-dc ») ou utilisez dc.managed = false.`,
        );
      }
    }
  }

  /** Checks LDAPS: fast (250 ms) while the DC is not serving, every healthIntervalMs once it is. */
  async #healthLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.check();
      const interval = this.#ldaps ? this.#d.config.dc.healthIntervalMs : 250;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        void sleep(interval, signal).then(resolve);
      });
      this.#wake = null;
    }
  }

  async check(): Promise<boolean> {
    const alive = this.#driver.status().pid !== null || !this.#driver.managed;
    let ok = false;
    if (alive) {
      try {
        await this.ldap.ping();
        ok = true;
      } catch (err) {
        this.#d.log.debug({ err: errorMessage(err) }, 'LDAPS check failed');
        await this.ldap.reset();
      }
    }
    this.#ldaps = ok;
    this.#lastCheckAt = new Date().toISOString();
    if (this.#driver instanceof SambaSupervisor && ok) this.#driver.markServing();
    if (this.#driver instanceof SystemdDriver) await this.#driver.refresh(ok);
    this.#publish();
    return ok;
  }

  async restart(): Promise<void> {
    this.#ldaps = false;
    await this.ldap.reset();
    await this.#driver.restart();
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#loop?.abort();
    this.#wake?.();
    await this.#loopDone;
    await this.ldap.close();
    await this.#driver.stop();
    this.#ldaps = false;
  }

  /** True when the DC's smb.conf includes the shares file (a system DC: provisioning/ adds the line). */
  sharesIncluded(): boolean {
    return hasInclude(this.paths.smbConf, this.#d.config.shares.includeFile);
  }

  /** Checks the shares' configuration with testparm, puts it in place and has smbd reload it (sessions stay open). */
  async installShares(text: string): Promise<{ changed: boolean }> {
    const r = await installInclude(this.paths.smbConf, this.#d.config.shares.includeFile, text);
    if (r.changed) await reloadSmbd(this.paths.smbConf);
    return r;
  }

  /** Writes Windows ACLs (SDDL with hex masks) through Samba's VFS, many in one go. */
  async setNtAcls(jobs: NtAclJob[]): Promise<NtAclResult[]> {
    return setNtAcls(this.paths.smbConf, await this.domainSid(), jobs);
  }

  /** Open SMB connections (uid, share, machine), to refuse touching a profile in use. */
  connections(): Promise<{ uid: number; service: string; machine: string }[]> {
    return smbConnections(this.paths.smbConf);
  }

  #domainSid: string | null = null;

  async domainSid(): Promise<string> {
    if (this.#domainSid) return this.#domainSid;
    const [e] = await this.ldap.search(this.identity.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] });
    if (!e || !Buffer.isBuffer(e.objectSid)) throw new Error('objectSid of the domain not found');
    this.#domainSid = sidToString(e.objectSid);
    return this.#domainSid;
  }

  /** SIDs of accounts or groups by sAMAccountName (names not found are absent from the map). */
  async sids(names: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(names.map((n) => n.toLowerCase()))];
    for (let i = 0; i < unique.length; i += 100) {
      const part = unique.slice(i, i + 100);
      const entries = await this.ldap.search(this.identity.baseDn, {
        scope: 'sub',
        filter: `(|${part.map((n) => filter`(sAMAccountName=${n})`).join('')})`,
        attributes: ['sAMAccountName', 'objectSid'],
        explicitBufferAttributes: ['objectSid'],
        paged: { pageSize: 500 },
      });
      for (const e of entries) if (Buffer.isBuffer(e.objectSid)) out.set(String(e.sAMAccountName).toLowerCase(), sidToString(e.objectSid));
    }
    return out;
  }

  #shutdownDeps(): ShutdownAccessDeps {
    const { baseDn, realm, netbiosName } = this.identity;
    return { ldap: this.ldap, baseDn, realm, netbiosName, smbConf: this.paths.smbConf, adminPasswordFile: this.paths.adminPasswordFile, secretsDir: join(this.#d.config.dataDir, 'secrets') };
  }

  /** The account that shuts Windows PCs down and its GPO, as they are. */
  shutdownAccess(): Promise<ShutdownAccessState> {
    return shutdownAccessState(this.#shutdownDeps());
  }

  /** Creates or repairs the shutdown account and its GPO (idempotent). */
  ensureShutdownAccess(): Promise<ShutdownAccessState> {
    return ensureShutdownAccess(this.#shutdownDeps());
  }

  /** The directory half of a console login (see http/auth): password check, then teacher-group membership. */
  async authenticate(login: string, password: string) {
    const outcome = await this.ldap.checkPassword(`${login}@${this.identity.realm}`, password);
    if (outcome !== 'ok') return { outcome } as const;
    const group = this.#d.config.auth.teacherGroup;
    const [user] = await this.ldap.search(this.identity.baseDn, {
      scope: 'sub',
      filter: filter`(&(objectCategory=person)(objectClass=user)(sAMAccountName=${login}))`,
      attributes: ['sAMAccountName', 'displayName', 'memberOf'],
    });
    if (!user) return { outcome: 'invalid' } as const;
    const [teachers] = await this.ldap.search(this.identity.baseDn, {
      scope: 'sub',
      filter: filter`(&(objectClass=group)(sAMAccountName=${group}))`,
      attributes: ['distinguishedName'],
    });
    let isTeacher = false;
    if (teachers) {
      // transitive membership (LDAP_MATCHING_RULE_IN_CHAIN), so nested groups count too
      const inChain = await this.ldap.search(this.identity.baseDn, {
        scope: 'sub',
        filter: `(&(objectClass=user)(sAMAccountName=${filter`${login}`})(memberOf:1.2.840.113556.1.4.1941:=${filter`${teachers.dn}`}))`,
        attributes: ['sAMAccountName'],
      });
      isTeacher = inChain.length > 0;
    }
    const displayName = String(user.displayName || user.sAMAccountName);
    return { outcome: 'ok', login: String(user.sAMAccountName), displayName, isTeacher } as const;
  }
}
