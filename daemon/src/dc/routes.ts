import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { auditRequest } from '../http/auth/plugin.ts';
import type { DcService } from './service.ts';

export const dcStatusSchema = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: ['provisioning', 'starting', 'running', 'restarting', 'stopped', 'failed'] },
    managed: { type: 'boolean' },
    pid: { type: ['integer', 'null'] },
    since: { type: ['string', 'null'] },
    restarts: { type: 'integer' },
    lastError: { type: ['string', 'null'] },
    ldaps: { type: 'boolean' },
    lastCheckAt: { type: ['string', 'null'] },
  },
} as const;

export async function dcRoutes(app: FastifyInstance, opts: { dc: DcService; audit: AuditLog }): Promise<void> {
  const { dc, audit } = opts;
  app.get(
    '/dc',
    {
      config: { roles: ['administrator', 'teacher'] },
      schema: {
        tags: ['dc'],
        summary: 'État du contrôleur de domaine',
        response: {
          200: {
            type: 'object',
            properties: {
              status: dcStatusSchema,
              domain: {
                type: 'object',
                properties: {
                  realm: { type: 'string' },
                  dnsDomain: { type: 'string' },
                  netbiosName: { type: 'string' },
                  baseDn: { type: 'string' },
                  fqdn: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ status: dc.status(), domain: dc.identity }),
  );

  app.post('/dc/restart', { schema: { tags: ['dc'], summary: 'Redémarre le contrôleur de domaine' } }, async (req, reply) => {
    const before = dc.status();
    await dc.restart();
    auditRequest(audit, req, { action: 'dc.restart', target: dc.identity.realm, before: { state: before.state }, after: { state: dc.status().state } });
    return reply.code(202).send({ status: dc.status() });
  });
}
