import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { auditRequest, requestActor } from '../http/auth/plugin.ts';
import { DEVICE_ACTIONS, DEVICE_KINDS, SCHEDULE_ACTIONS, type ActionRequest, type DeviceInput, type DeviceKind, type RoomInput, type ScheduleAction } from './model.ts';
import type { DevicesService } from './service.ts';
import { deviceSettingsSchema, type DeviceSettings } from './settings.ts';

const tags = ['salles et appareils'];
const BOTH = { roles: ['administrator', 'teacher'] as ('administrator' | 'teacher')[] };
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const confirmBody = { type: 'object', additionalProperties: false, required: ['confirm'], properties: { confirm: { type: 'string', maxLength: 200 } } } as const;
const MAX_TEXT_BODY = 2 * 1024 * 1024;

const nullableString = (maxLength: number) => ({ type: ['string', 'null'], maxLength });
const deviceBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 200 },
    room: nullableString(200),
    mac: nullableString(40),
    host: nullableString(253),
    manufacturer: { type: 'string', maxLength: 200 },
    model: { type: 'string', maxLength: 200 },
    serial: { type: 'string', maxLength: 200 },
    purchaseDate: nullableString(20),
    warrantyEnd: nullableString(20),
    notes: { type: 'string', maxLength: 2000 },
    os: { type: ['string', 'null'], enum: ['windows', 'linux', null] },
    pjlink: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1, maximum: 65535 }, password: nullableString(64) },
    },
  },
} as const;
const roomBody = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', maxLength: 200 }, subnet: nullableString(40), notes: { type: 'string', maxLength: 2000 } },
} as const;
const scheduleBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    label: { type: 'string', maxLength: 200 },
    action: { type: 'string', enum: [...SCHEDULE_ACTIONS] },
    rooms: { type: 'array', maxItems: 200, items: { type: 'integer', minimum: 1 } },
    days: { type: 'array', maxItems: 7, items: { type: 'integer' } },
    time: { type: 'string', maxLength: 5 },
    skipClosures: { type: 'boolean' },
    enabled: { type: 'boolean' },
  },
} as const;

const id = (req: FastifyRequest) => (req.params as { id: number }).id;

/** The body of a file upload as text (CSV, ICS, or JSON sent as text). */
function textBody(req: FastifyRequest): string {
  const body = req.body;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body && typeof body === 'object') return JSON.stringify(body);
  throw new AppError('FILE_MISSING', 'Aucun fichier reçu : choisissez un fichier puis recommencez.', 400);
}

export async function devicesRoutes(app: FastifyInstance, opts: { devices: DevicesService; audit: AuditLog }): Promise<void> {
  const { devices, audit } = opts;
  for (const type of ['text/csv', 'text/plain', 'text/calendar']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: MAX_TEXT_BODY }, (_req, body, done) => done(null, body));
  }

  // ---- rooms
  app.get('/devices/rooms', { config: BOTH, schema: { tags, summary: 'Les salles' } }, async () => devices.registry.rooms());
  app.post('/devices/rooms', { schema: { tags, summary: 'Ajoute une salle', body: { ...roomBody, required: ['name'] } } }, async (req, reply) => {
    const room = devices.createRoom(req.body as RoomInput);
    auditRequest(audit, req, { action: 'devices.room-create', target: room.name, after: room });
    return reply.code(201).send(room);
  });
  app.put('/devices/rooms/:id', { schema: { tags, summary: 'Modifie une salle', params: idParam, body: roomBody } }, async (req) => {
    const before = devices.registry.room(id(req));
    const after = devices.registry.updateRoom(id(req), req.body as Partial<RoomInput>);
    auditRequest(audit, req, { action: 'devices.room-update', target: after.name, before, after });
    return after;
  });
  app.delete('/devices/rooms/:id', { schema: { tags, summary: 'Supprime une salle (ses appareils restent, « sans salle ») ; retaper son nom', params: idParam, body: confirmBody } }, async (req) => {
    const room = devices.deleteRoom(id(req), (req.body as { confirm: string }).confirm);
    auditRequest(audit, req, { action: 'devices.room-delete', target: room.name, before: room });
    return { deleted: room };
  });
  app.post(
    '/devices/rooms/:id/actions',
    {
      config: BOTH,
      schema: { tags, summary: 'Action sur toute une salle (réveiller, éteindre les PC ; allumer, éteindre les vidéoprojecteurs)', params: idParam, body: { type: 'object', additionalProperties: false, required: ['action'], properties: { action: { type: 'string', enum: [...SCHEDULE_ACTIONS] } } } },
    },
    async (req) => {
      const room = devices.registry.room(id(req));
      const action = (req.body as { action: ScheduleAction }).action;
      const results = await devices.roomAction(room.id, action, requestActor(req).name);
      auditRequest(audit, req, { action: `devices.room-${action}`, target: room.name, after: { ok: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length } });
      return { results };
    },
  );

  // ---- settings, alerts, import/export, discovery (before /devices/:id)
  app.get('/devices/settings', { schema: { tags, summary: 'Réglages (vérifications, seuils des lampes et filtres, extinction)' } }, async () => devices.settings());
  app.put('/devices/settings', { schema: { tags, summary: 'Modifie les réglages', body: deviceSettingsSchema } }, async (req) => {
    const before = devices.settings();
    const after = devices.updateSettings(req.body as Partial<DeviceSettings>);
    auditRequest(audit, req, { action: 'devices.settings', before, after });
    return after;
  });
  app.get('/devices/alerts', { schema: { tags, summary: 'Alertes ouvertes (lampes, filtres, pannes, appareils muets)' } }, async () => devices.registry.openAlerts());
  app.get('/devices/export.csv', { schema: { tags, summary: 'Tous les appareils en CSV (« ; », UTF-8)' } }, async (_req, reply) => {
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="appareils.csv"');
    return devices.exportCsv();
  });
  app.post(
    '/devices/import',
    { schema: { tags, summary: 'Importe des appareils d’un CSV (essai par défaut ; tout ou rien)', querystring: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: true } } } } },
    async (req) => {
      const dryRun = (req.query as { dryRun: boolean }).dryRun;
      const report = devices.importCsv(textBody(req), dryRun);
      if (!report.dryRun) auditRequest(audit, req, { action: 'devices.import', after: { created: report.created, updated: report.updated } });
      return report;
    },
  );
  app.post(
    '/devices/discover',
    {
      schema: {
        tags,
        summary: 'Recherche les vidéoprojecteurs PJLink classe 2 sur le réseau',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { seconds: { type: 'integer', minimum: 1, maximum: 30, default: 10 }, addresses: { type: 'array', maxItems: 50, items: { type: 'string', format: 'ipv4' } } },
        },
      },
    },
    async (req) => {
      const body = (req.body ?? {}) as { seconds?: number; addresses?: string[] };
      return devices.discover(body.seconds ?? 10, body.addresses);
    },
  );
  app.post(
    '/devices/adopt',
    {
      schema: {
        tags,
        summary: 'Ajoute au registre un appareil trouvé par la recherche',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['mac', 'host', 'name'],
          properties: { mac: { type: 'string', maxLength: 40 }, host: { type: 'string', maxLength: 253 }, name: { type: 'string', maxLength: 200 }, room: nullableString(200), kind: { type: 'string', enum: [...DEVICE_KINDS] } },
        },
      },
    },
    async (req, reply) => {
      const d = devices.adopt(req.body as { mac: string; host: string; name: string; room?: string | null; kind?: DeviceKind });
      auditRequest(audit, req, { action: 'devices.adopt', target: d.name, after: d });
      return reply.code(201).send(d);
    },
  );

  // ---- schedules and calendar
  app.get('/devices/schedules', { schema: { tags, summary: 'Planifications et prochaines exécutions' } }, async () => devices.schedulesView());
  app.post('/devices/schedules', { schema: { tags, summary: 'Ajoute une planification', body: { ...scheduleBody, required: ['label', 'action', 'days', 'time'] } } }, async (req, reply) => {
    const rule = devices.schedules.create(req.body);
    auditRequest(audit, req, { action: 'devices.schedule-create', target: rule.label, after: rule });
    return reply.code(201).send(rule);
  });
  app.put('/devices/schedules/:id', { schema: { tags, summary: 'Modifie une planification', params: idParam, body: scheduleBody } }, async (req) => {
    const r = devices.schedules.update(id(req), req.body);
    auditRequest(audit, req, { action: 'devices.schedule-update', target: r.after.label, before: r.before, after: r.after });
    return r.after;
  });
  app.delete('/devices/schedules/:id', { schema: { tags, summary: 'Supprime une planification', params: idParam } }, async (req) => {
    const rule = devices.schedules.delete(id(req));
    auditRequest(audit, req, { action: 'devices.schedule-delete', target: rule.label, before: rule });
    return { deleted: rule };
  });
  app.get('/devices/calendar', { schema: { tags, summary: 'Fermetures (vacances, ponts) et jours fériés' } }, async () => devices.calendar());
  app.post(
    '/devices/calendar/closures',
    { schema: { tags, summary: 'Ajoute une fermeture', body: { type: 'object', additionalProperties: false, required: ['label', 'start', 'end'], properties: { label: { type: 'string', maxLength: 200 }, start: { type: 'string', maxLength: 10 }, end: { type: 'string', maxLength: 10 } } } } },
    async (req, reply) => {
      const c = devices.schedules.addClosure(req.body as { label: string; start: string; end: string });
      auditRequest(audit, req, { action: 'devices.closure-create', target: c.label, after: c });
      return reply.code(201).send(c);
    },
  );
  app.delete('/devices/calendar/closures/:id', { schema: { tags, summary: 'Supprime une fermeture', params: idParam } }, async (req) => {
    const c = devices.schedules.deleteClosure(id(req));
    auditRequest(audit, req, { action: 'devices.closure-delete', target: c.label, before: c });
    return { deleted: c };
  });
  app.post(
    '/devices/calendar/import',
    {
      schema: {
        tags,
        summary: 'Importe le calendrier scolaire national (CSV, JSON ou ICS de data.education.gouv.fr) pour une zone',
        querystring: { type: 'object', additionalProperties: false, required: ['zone'], properties: { zone: { type: 'string', enum: ['A', 'B', 'C'] } } },
      },
    },
    async (req) => {
      const zone = (req.query as { zone: 'A' | 'B' | 'C' }).zone;
      const r = devices.importCalendar(textBody(req), zone);
      auditRequest(audit, req, { action: 'devices.calendar-import', target: `zone ${zone}`, after: { imported: r.imported } });
      return r;
    },
  );

  // ---- shutdown
  app.get('/devices/shutdown', { schema: { tags, summary: 'Extinction à distance : compte Windows et clé SSH des postes Linux' } }, async () => devices.shutdownInfo());
  app.post('/devices/shutdown/windows/setup', { schema: { tags, summary: 'Crée ou répare le compte d’extinction et sa stratégie de groupe' } }, async (req) => {
    const r = await devices.setupWindowsShutdown();
    auditRequest(audit, req, { action: 'devices.shutdown-setup', target: r.windows.account });
    return r;
  });

  // ---- devices
  app.get(
    '/devices',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Les appareils (par salle, par type)',
        querystring: { type: 'object', additionalProperties: false, properties: { room: { type: 'integer', minimum: 1 }, kind: { type: 'string', enum: [...DEVICE_KINDS] } } },
      },
    },
    async (req) => devices.list(req.query as { room?: number; kind?: DeviceKind }),
  );
  app.post('/devices', { schema: { tags, summary: 'Ajoute un appareil', body: { ...deviceBody, required: ['kind', 'name'] } } }, async (req, reply) => {
    const d = devices.create(req.body as DeviceInput);
    auditRequest(audit, req, { action: 'devices.create', target: d.name, after: d });
    return reply.code(201).send(d);
  });
  app.get('/devices/:id', { config: BOTH, schema: { tags, summary: 'Un appareil et son dernier état', params: idParam } }, async (req) => devices.get(id(req)));
  app.put('/devices/:id', { schema: { tags, summary: 'Modifie un appareil (seuls les champs envoyés changent)', params: idParam, body: deviceBody } }, async (req) => {
    const r = devices.update(id(req), req.body as Partial<DeviceInput>);
    auditRequest(audit, req, { action: 'devices.update', target: r.after.name, before: r.before, after: r.after });
    return r.after;
  });
  app.delete('/devices/:id', { schema: { tags, summary: 'Supprime un appareil ; retaper son nom', params: idParam, body: confirmBody } }, async (req) => {
    const d = devices.delete(id(req), (req.body as { confirm: string }).confirm);
    auditRequest(audit, req, { action: 'devices.delete', target: d.name, before: d });
    return { deleted: d };
  });
  app.post('/devices/:id/check', { config: BOTH, schema: { tags, summary: 'Vérifie l’état maintenant', params: idParam } }, async (req) => devices.check(id(req)));
  app.get(
    '/devices/:id/history',
    { schema: { tags, summary: 'Heures des lampes et du filtre, jour par jour', params: idParam, querystring: { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 3660, default: 365 } } } } },
    async (req) => devices.history(id(req), (req.query as { days: number }).days),
  );
  app.post(
    '/devices/:id/actions',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Action sur un appareil : allumer, éteindre, entrée, couper l’image ou le son, réveiller, éteindre un PC',
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: { action: { type: 'string', enum: [...DEVICE_ACTIONS] }, input: { type: 'string', maxLength: 2 }, what: { type: 'string', enum: ['video', 'audio', 'both'] }, reboot: { type: 'boolean' } },
        },
      },
    },
    async (req) => {
      const body = req.body as ActionRequest;
      const result = await devices.act(id(req), body, requestActor(req).name);
      auditRequest(audit, req, { action: `devices.${body.action}`, target: result.name, after: { ok: result.ok, message: result.message } });
      return result;
    },
  );
}
