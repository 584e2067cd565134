import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { auditRequest, requestActor } from '../http/auth/plugin.ts';
import type { HomeworkService, NewHomework } from './service.ts';

const BOTH = { roles: ['administrator', 'teacher'] as ('administrator' | 'teacher')[] };
const tags = ['devoirs'];
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export async function homeworkRoutes(app: FastifyInstance, opts: { homework: HomeworkService; audit: AuditLog }): Promise<void> {
  const { homework, audit } = opts;

  app.get('/homework', { config: BOTH, schema: { tags, summary: 'Les devoirs (un enseignant voit les siens)' } }, async (req) => homework.list(requestActor(req)));

  app.get('/homework/targets', { config: BOTH, schema: { tags, summary: 'Les classes et groupes auxquels distribuer (un enseignant : les siens)' } }, async (req) =>
    homework.targets(requestActor(req)),
  );

  app.get(
    '/homework/browse',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Parcourt le dossier personnel de l’enseignant pour choisir quoi distribuer',
        querystring: { type: 'object', additionalProperties: false, properties: { path: { type: 'string', maxLength: 1024, default: '' }, teacher: { type: 'string', maxLength: 64 } } },
      },
    },
    async (req) => {
      const q = req.query as { path: string; teacher?: string };
      return homework.browse(requestActor(req), q.path, q.teacher);
    },
  );

  app.post(
    '/homework',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Distribue un devoir (fichier ou dossier du dossier personnel) à des classes, groupes ou élèves',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['title', 'source', 'targets', 'mode'],
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 300 },
            source: { type: 'string', maxLength: 1024 },
            mode: { type: 'string', enum: ['lecture', 'copie'] },
            dueAt: { type: ['string', 'null'], maxLength: 40 },
            teacher: { type: 'string', maxLength: 64 },
            targets: {
              type: 'array',
              minItems: 1,
              maxItems: 200,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'name'],
                properties: { kind: { type: 'string', enum: ['classe', 'groupe', 'eleve'] }, name: { type: 'string', minLength: 1, maxLength: 128 } },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const d = await homework.create(req.body as NewHomework, requestActor(req));
      reply.code(201);
      return d;
    },
  );

  app.get('/homework/:id', { config: BOTH, schema: { tags, summary: 'Un devoir et l’état de chaque élève', params: idParam } }, async (req) =>
    homework.get((req.params as { id: number }).id, requestActor(req)),
  );

  const action = (path: string, summary: string, fn: (id: number, actor: ReturnType<typeof requestActor>) => Promise<unknown>) =>
    app.post(path, { config: BOTH, schema: { tags, summary, params: idParam } }, async (req) => fn((req.params as { id: number }).id, requestActor(req)));
  action('/homework/:id/handout', 'Redistribue (source actuelle, nouveaux élèves) ; ne remplace pas ce que les élèves ont modifié', (id, a) => homework.handOutAgain(id, a));
  action('/homework/:id/collect', 'Ramasse les travaux dans Ramassage/<devoir>/<classe>/<élève>', (id, a) => homework.collect(id, a));
  action('/homework/:id/return', 'Rend les copies corrigées dans Devoirs/<devoir>/Corrigé', (id, a) => homework.giveBack(id, a));

  app.delete(
    '/homework/:id',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Oublie un devoir (les fichiers restent dans les dossiers personnels) ; confirmer avec le titre',
        params: idParam,
        querystring: { type: 'object', additionalProperties: false, required: ['confirm'], properties: { confirm: { type: 'string', maxLength: 300 } } },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const actor = requestActor(req);
      const d = await homework.get(id, actor);
      if ((req.query as { confirm: string }).confirm.trim() !== d.folder) {
        throw new AppError('CONFIRMATION_REQUIRED', `Pour confirmer, retapez le titre du devoir : « ${d.folder} ».`, 400);
      }
      homework.forget(id, actor);
      auditRequest(audit, req, { action: 'homework.forget', target: String(id), before: { title: d.title, teacher: d.teacher } });
      reply.code(204);
    },
  );
}
