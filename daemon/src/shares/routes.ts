import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { auditRequest, requestActor } from '../http/auth/plugin.ts';
import type { SharesService } from './service.ts';
import { shareSettingsSchema } from './settings.ts';

const tags = ['partages'];
const loginParam = { type: 'object', required: ['login'], properties: { login: { type: 'string', minLength: 1, maxLength: 64 } } } as const;

export async function sharesRoutes(app: FastifyInstance, opts: { shares: SharesService; audit: AuditLog }): Promise<void> {
  const { shares, audit } = opts;

  app.get('/shares', { schema: { tags, summary: 'État des partages (chemins, mode des quotas, dernière vérification)' } }, async () => shares.status());

  app.post('/shares/reconcile', { schema: { tags, summary: 'Vérifie et répare les partages, dossiers et droits maintenant' } }, async () => shares.reconcile());

  app.get('/shares/settings', { schema: { tags, summary: 'Réglages des partages (quotas par profil, profils itinérants, lecteur, partages de groupes)' } }, async () =>
    shares.settings(),
  );

  app.put(
    '/shares/settings',
    { schema: { tags, summary: 'Modifie les réglages des partages', body: { ...shareSettingsSchema, properties: stripDefaults(shareSettingsSchema.properties) } } },
    async (req) => {
      const before = shares.settings();
      const after = await shares.updateSettings(req.body);
      auditRequest(audit, req, { action: 'shares.settings', before, after });
      return after;
    },
  );

  app.get(
    '/shares/quotas',
    {
      schema: {
        tags,
        summary: 'Occupation et quotas de chaque compte (les plus pleins d’abord)',
        querystring: { type: 'object', additionalProperties: false, properties: { over: { type: 'boolean', default: false } } },
      },
    },
    async (req) => shares.quotas({ over: (req.query as { over?: boolean }).over }),
  );

  app.post('/shares/quotas/measure', { schema: { tags, summary: 'Mesure l’occupation maintenant' } }, async () => shares.measure());

  app.put(
    '/shares/quotas/:login',
    {
      schema: {
        tags,
        summary: 'Quota particulier d’un compte (en Mo)',
        params: loginParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['softMb', 'hardMb'],
          properties: { softMb: { type: 'integer', minimum: 10, maximum: 10_000_000 }, hardMb: { type: 'integer', minimum: 10, maximum: 10_000_000 } },
        },
      },
    },
    async (req) => shares.setQuota((req.params as { login: string }).login, req.body as { softMb: number; hardMb: number }, requestActor(req).name),
  );

  app.delete(
    '/shares/quotas/:login',
    { schema: { tags, summary: 'Revient au quota du profil', params: loginParam } },
    async (req) => shares.setQuota((req.params as { login: string }).login, null, requestActor(req).name),
  );

  app.get(
    '/shares/profiles',
    {
      schema: {
        tags,
        summary: 'Profils itinérants, les plus gros d’abord',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 5000, default: 200 } } },
      },
    },
    async (req) => shares.profiles((req.query as { limit: number }).limit),
  );

  app.post(
    '/shares/profiles/:login/reset',
    {
      schema: {
        tags,
        summary: 'Réinitialise un profil itinérant (archivé puis supprimé) ; confirmer en renvoyant l’identifiant',
        params: loginParam,
        body: { type: 'object', additionalProperties: false, required: ['confirm'], properties: { confirm: { type: 'string', maxLength: 64 } } },
      },
    },
    async (req) => {
      const { login } = req.params as { login: string };
      if ((req.body as { confirm: string }).confirm.toLowerCase() !== login.toLowerCase()) {
        throw new AppError('CONFIRMATION_REQUIRED', `Pour confirmer, retapez l’identifiant « ${login} ».`, 400);
      }
      const r = await shares.resetProfile(login);
      auditRequest(audit, req, { action: 'shares.profile-reset', target: login, after: { folders: r.folders } });
      return { folders: r.folders, archived: true };
    },
  );

  app.get(
    '/shares/clients/:file',
    {
      schema: {
        tags,
        summary: 'Fichiers de configuration des postes Linux (sssd.conf, pam_mount.conf.xml)',
        params: { type: 'object', required: ['file'], properties: { file: { type: 'string', enum: ['sssd.conf', 'pam_mount.conf.xml'] } } },
      },
    },
    async (req, reply) => {
      const file = (req.params as { file: 'sssd.conf' | 'pam_mount.conf.xml' }).file;
      reply.header('content-type', file.endsWith('.xml') ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${file}"`);
      return shares.linuxFile(file);
    },
  );

  app.post('/shares/clients/check', { schema: { tags, summary: 'Vérifie le sssd.conf généré avec sssctl config-check (null si sssctl est absent)' } }, async () =>
    shares.checkLinuxConfig(),
  );

  app.get('/shares/windows', { schema: { tags, summary: 'Réglages des postes Windows (lecteur personnel, profil, redirection de dossiers)' } }, async () =>
    shares.windows(),
  );
}

/** A body schema without defaults: a PUT changes only what it sends. */
function stripDefaults<T>(props: T): T {
  return JSON.parse(JSON.stringify(props, (k, v) => (k === 'default' ? undefined : v))) as T;
}
