import { accessSync, chmodSync, constants, existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TrousseConfig } from './core/config.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { EventBus } from './core/events.ts';
import { Lifecycle } from './core/lifecycle.ts';
import { Scheduler } from './core/scheduler.ts';
import { Journal } from './core/journal.ts';
import { AuditLog } from './core/audit.ts';
import { StartupError, errorMessage } from './core/errors.ts';
import { openDb, type Db } from './db/index.ts';
import { AuthService } from './http/auth/service.ts';
import { registerAuthHooks } from './http/auth/plugin.ts';
import { authRoutes } from './http/auth/routes.ts';
import { registerErrorHandling } from './http/errors.ts';
import { healthRoutes, type Readiness } from './http/health.ts';
import { registerConsole } from './http/static.ts';
import { attachRealtime } from './http/realtime.ts';
import { DcService, dcRoutes } from './dc/index.ts';
import { SystemService, systemRoutes, type SystemStatus } from './system/index.ts';
import { DirectoryService, directoryRoutes } from './directory/index.ts';
import { ImportService, importRoutes } from './imports/index.ts';
import { SheetsService, sheetsRoutes } from './sheets/index.ts';
import { SharesService, sharesRoutes } from './shares/index.ts';
import { HomeworkService, homeworkRoutes } from './homework/index.ts';
import { DevicesService, devicesRoutes } from './devices/index.ts';
import { InventoryService, agentEndpoint, inventoryRoutes } from './inventory/index.ts';
import { HubService, HubSettingsStore, hubRoutes } from './hub/index.ts';
import { Outbox } from './core/outbox.ts';
import { TROUSSE_VERSION } from './version.ts';

export interface BuildOptions {
  /** A logger to use (tests pass a silent one). */
  logger?: Logger;
}

export interface TrousseApp {
  config: TrousseConfig;
  app: FastifyInstance;
  log: Logger;
  db: Db;
  bus: EventBus;
  journal: Journal;
  audit: AuditLog;
  auth: AuthService;
  dc: DcService;
  directory: DirectoryService;
  imports: ImportService;
  sheets: SheetsService;
  shares: SharesService;
  homework: HomeworkService;
  devices: DevicesService;
  inventory: InventoryService;
  hub: HubService;
  outbox: Outbox;
  scheduler: Scheduler;
  lifecycle: Lifecycle;
  readiness(): Readiness;
  status(): Promise<SystemStatus>;
  /** Starts every service in order (the HTTP server may already listen: /readyz tells the progress). */
  start(signal?: AbortSignal): Promise<void>;
  /** Stops everything in reverse order and closes the HTTP server and the database. Idempotent. */
  close(): Promise<void>;
}

/** Fails with one clear sentence when the data directory cannot be used. */
export function prepareDataDir(dir: string): void {
  try {
    // traversable (smbd serves the DC's sysvol from below it, as the connected user); the
    // database and secrets inside are private (0600 / 0700)
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    accessSync(dir, constants.W_OK | constants.R_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new StartupError(
      'DATA_DIR_NOT_WRITABLE',
      `Le dossier de données ${dir} n’est pas utilisable en écriture (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}). Vérifiez qu’il existe, qu’il appartient à l’utilisateur du service et qu’il reste de la place sur le disque.`,
    );
  }
}

/** The whole daemon as one fastify instance, with its services (not yet started). */
export async function buildApp(config: TrousseConfig, opts: BuildOptions = {}): Promise<TrousseApp> {
  const log = opts.logger ?? createLogger(config.log.level);
  prepareDataDir(config.dataDir);
  const dbFile = join(config.dataDir, 'trousse.db');
  const { db, from, to } = openDb(dbFile);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  if (from !== to) log.info({ from, to }, 'database migrated');

  const bus = new EventBus((err, event) => log.error({ err: errorMessage(err), event }, 'event listener failed'));
  const journal = new Journal(db, bus);
  const audit = new AuditLog(db, bus);
  const lifecycle = new Lifecycle(log, bus);
  const scheduler = new Scheduler(log.child({ service: 'scheduler' }));
  const dc = new DcService({ config, log: log.child({ service: 'dc' }), bus, journal });
  const system = new SystemService(config);
  const auth = new AuthService(db, config.auth, dc);
  const directory = new DirectoryService({ config, log: log.child({ service: 'directory' }), db, bus, journal, scheduler, dc });

  lifecycle.add(scheduler);
  lifecycle.add(system);
  lifecycle.add(dc);
  const imports = new ImportService({ config, log: log.child({ service: 'imports' }), db, bus, journal, scheduler, directory });
  const sheets = new SheetsService({
    school: { name: config.school.name, entUrl: config.school.entUrl ?? null },
    domain: dc.identity.netbiosName,
    journal,
    directory,
    imports,
  });
  const shares = new SharesService({ config, log: log.child({ service: 'shares' }), db, bus, journal, scheduler, dc, directory });
  lifecycle.add(directory);
  lifecycle.add(shares);
  const homework = new HomeworkService({ log: log.child({ service: 'homework' }), db, bus, journal, directory, shares });
  lifecycle.add(homework);
  const devices = new DevicesService({ config, log: log.child({ service: 'devices' }), db, bus, journal, scheduler, dc });
  lifecycle.add(devices);
  const hubSettings = new HubSettingsStore(db, config.dataDir, config.school.uai);
  const outbox = new Outbox(db, {
    school: { uai: config.school.uai.toUpperCase(), name: config.school.name },
    version: TROUSSE_VERSION,
    enabled: (target) => Boolean(target === 'hub' ? hubSettings.settings().url : hubSettings.settings().glpiUrl),
  });
  const inventory = new InventoryService({ config, log: log.child({ service: 'inventory' }), db, bus, journal, scheduler, outbox, devices });
  lifecycle.add(inventory);
  lifecycle.add(imports);
  lifecycle.add(sheets);

  scheduler.register({
    name: 'core.prune-journal',
    cron: '17 3 * * *',
    description: 'Allège le journal des événements (garde les 10 000 derniers)',
    run: async () => {
      journal.prune();
    },
  });

  const migrated = to >= 1;
  const readiness = (): Readiness => {
    const reasons: string[] = [];
    if (!migrated) reasons.push('La base de données n’est pas migrée.');
    const dcStatus = dc.status();
    if (dcStatus.state === 'provisioning') reasons.push('Création du domaine en cours.');
    else if (!dc.serving) reasons.push(`Le contrôleur de domaine ne répond pas en LDAPS (état : ${dcStatus.state}).`);
    const pending = lifecycle.pending();
    if (pending.length > 0) reasons.push(`Services pas encore démarrés : ${pending.join(', ')}.`);
    return { ok: reasons.length === 0, reasons };
  };

  const { dnsDomain, realm, netbiosName } = dc.identity;
  const school = { uai: config.school.uai, name: config.school.name, dnsDomain, realm, netbiosName };
  const status = async (): Promise<SystemStatus> => ({
    school,
    dc: dc.status(),
    disks: await system.disks(),
    versions: system.versions(),
    ready: readiness(),
    uptimeSeconds: system.uptimeSeconds(),
  });
  const hub = new HubService({
    config,
    log: log.child({ service: 'hub' }),
    db,
    journal,
    scheduler,
    outbox,
    settings: hubSettings,
    inventoryReport: () => inventory.report(),
    health: async () => {
      const s = await status();
      return {
        uptimeSeconds: Math.max(0, Math.round(s.uptimeSeconds)),
        ready: s.ready.ok,
        reasons: s.ready.reasons,
        dc: { state: s.dc.state, ldaps: s.dc.ldaps, restarts: s.dc.restarts },
        disks: s.disks,
      };
    },
  });
  lifecycle.add(hub);

  const app: FastifyInstance = Fastify({
    loggerInstance: log.child({ service: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  registerErrorHandling(app);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Trousse — API du serveur d’établissement', version: TROUSSE_VERSION },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Jeton d’API (trs_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'trousse_sid' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  registerAuthHooks(app, { auth, audit, secureCookies: config.http.secureCookies });
  await app.register(healthRoutes, { readiness });
  await app.register(
    async (api) => {
      await api.register(authRoutes, {
        auth,
        audit,
        bus,
        secureCookies: config.http.secureCookies,
        sessionMaxHours: config.auth.sessionMaxHours,
      });
      await api.register(dcRoutes, { dc, audit });
      await api.register(directoryRoutes, { directory, audit });
      await api.register(importRoutes, { imports, audit, tmpDir: join(config.dataDir, 'tmp') });
      await api.register(sheetsRoutes, { sheets, audit });
      await api.register(sharesRoutes, { shares, audit });
      await api.register(homeworkRoutes, { homework, audit });
      await api.register(devicesRoutes, { devices, audit });
      await api.register(inventoryRoutes, { inventory, audit });
      await api.register(hubRoutes, { hub, audit });
      await api.register(systemRoutes, { status, journal, audit, scheduler });
    },
    { prefix: '/api/v1' },
  );
  await app.register(agentEndpoint, {
    inventory,
    networks: config.inventory.agentNetworks,
    maxBodyBytes: config.inventory.maxBodyMb * 1024 * 1024,
    maxInventoryBytes: config.inventory.maxInventoryMb * 1024 * 1024,
    concurrency: 4,
    queue: 64,
  });
  await registerConsole(app);
  attachRealtime(app, { auth, bus, status, events: () => journal.latest(20) });

  let lastReady = false;
  const publishReadiness = (): void => {
    const r = readiness();
    if (r.ok === lastReady) return;
    lastReady = r.ok;
    bus.emit('readiness.changed', r);
    journal.record(
      r.ok ? 'info' : 'warn',
      'system',
      r.ok ? 'system.ready' : 'system.not-ready',
      r.ok ? 'Le serveur est prêt.' : `Le serveur n’est plus prêt : ${r.reasons.join(' ')}`,
    );
  };
  const unReady = [bus.on('dc.status', publishReadiness), bus.on('service.started', publishReadiness)];

  let closing: Promise<void> | null = null;
  app.addHook('onClose', async () => {
    for (const u of unReady) u();
    await lifecycle.stopAll();
  });

  return {
    config,
    app,
    log,
    db,
    bus,
    journal,
    audit,
    auth,
    dc,
    directory,
    imports,
    sheets,
    shares,
    homework,
    devices,
    inventory,
    hub,
    outbox,
    scheduler,
    lifecycle,
    readiness,
    status,
    start: (signal = new AbortController().signal) => lifecycle.startAll(signal),
    close: () => {
      closing ??= (async () => {
        await app.close();
        db.close();
      })();
      return closing;
    },
  };
}
