import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { auditRequest } from '../http/auth/plugin.ts';
import type { HubService } from './service.ts';
import { hubSettingsSchema, type HubSettings } from './settings.ts';

const tags = ['remontée (hub, GLPI)'];
const pem = { type: ['string', 'null'], maxLength: 64 * 1024 } as const;

export async function hubRoutes(app: FastifyInstance, opts: { hub: HubService; audit: AuditLog }): Promise<void> {
  const { hub, audit } = opts;
  app.get('/hub', { schema: { tags, summary: 'Réglages de la remontée, file d’envoi, dernière livraison et dernière erreur (sans les secrets)' } }, async () => hub.view());
  app.put('/hub/settings', { schema: { tags, summary: 'Adresse du hub, du GLPI, heure du rapport quotidien', body: hubSettingsSchema } }, async (req) => {
    const before = hub.view().settings;
    const after = hub.updateSettings(req.body as Partial<HubSettings>);
    auditRequest(audit, req, { action: 'hub.settings', before, after });
    return after;
  });
  app.put(
    '/hub/secrets',
    {
      schema: {
        tags,
        summary: 'Jeton, certificat client et clé, autorité (écriture seule ; null retire)',
        body: { type: 'object', additionalProperties: false, properties: { token: { type: ['string', 'null'], maxLength: 4096 }, cert: pem, key: pem, ca: pem } },
      },
    },
    async (req) => {
      const body = req.body as { token?: string | null; cert?: string | null; key?: string | null; ca?: string | null };
      const r = hub.setSecrets(body);
      // what changed, never the values
      auditRequest(audit, req, { action: 'hub.secrets', after: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === null ? 'retiré' : 'remplacé'])) });
      return r;
    },
  );
  app.post('/hub/send-now', { schema: { tags, summary: 'Met en file un inventaire et un état de santé à jour, et envoie la file maintenant' } }, async (req) => {
    const ids = await hub.snapshot();
    hub.retry();
    auditRequest(audit, req, { action: 'hub.send-now' });
    return ids;
  });
  app.post('/hub/test', { schema: { tags, summary: 'Envoie un état de santé et dit si le hub l’a reçu' } }, async () => hub.test());
  app.post(
    '/hub/outbox/retry',
    { schema: { tags, summary: 'Réessaie maintenant (un message mis de côté, ou toute la file)', body: { type: 'object', additionalProperties: false, properties: { id: { type: 'integer', minimum: 1 } } } } },
    async (req) => ({ retried: hub.retry((req.body as { id?: number } | undefined)?.id) }),
  );
  app.delete(
    '/hub/outbox/:id',
    { schema: { tags, summary: 'Abandonne un message de la file', params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } } },
    async (req) => {
      const id = (req.params as { id: number }).id;
      if (!hub.discard(id)) throw new AppError('OUTBOX_NOT_FOUND', 'Ce message n’est plus dans la file (il a peut-être été envoyé entre-temps).', 404);
      auditRequest(audit, req, { action: 'hub.discard', target: String(id) });
      return { discarded: id };
    },
  );
}
