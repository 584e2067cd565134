import type { FastifyInstance } from 'fastify';

export interface Readiness {
  ok: boolean;
  reasons: string[];
}

/** /healthz: the process answers. /readyz: 200 only when everything is ready, else 503 with the reasons. */
export async function healthRoutes(app: FastifyInstance, opts: { readiness: () => Readiness }): Promise<void> {
  app.get(
    '/healthz',
    { schema: { tags: ['santé'], summary: 'Le démon répond', response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
    async () => ({ ok: true }),
  );
  const readySchema = { type: 'object', properties: { ok: { type: 'boolean' }, reasons: { type: 'array', items: { type: 'string' } } } };
  app.get(
    '/readyz',
    { schema: { tags: ['santé'], summary: 'Le serveur est prêt (base migrée, annuaire joignable, capacités démarrées)', response: { 200: readySchema, 503: readySchema } } },
    async (_req, reply) => {
      const r = opts.readiness();
      return reply.code(r.ok ? 200 : 503).send(r);
    },
  );
}
