import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import type { Journal } from '../core/journal.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { DcStatus } from '../core/events.ts';
import { dcStatusSchema } from '../dc/routes.ts';
import type { DiskUsage, Versions } from './service.ts';

export interface SystemStatus {
  school: { uai: string; name: string; dnsDomain: string; realm: string; netbiosName: string };
  dc: DcStatus;
  disks: DiskUsage[];
  versions: Versions;
  ready: { ok: boolean; reasons: string[] };
  uptimeSeconds: number;
}

const str = { type: 'string' } as const;
const statusSchema = {
  type: 'object',
  properties: {
    school: { type: 'object', properties: { uai: str, name: str, dnsDomain: str, realm: str, netbiosName: str } },
    dc: dcStatusSchema,
    disks: {
      type: 'array',
      items: {
        type: 'object',
        properties: { mount: str, label: str, sizeBytes: { type: 'number' }, usedBytes: { type: 'number' }, availBytes: { type: 'number' } },
      },
    },
    versions: { type: 'object', properties: { trousse: str, node: str, samba: str } },
    ready: { type: 'object', properties: { ok: { type: 'boolean' }, reasons: { type: 'array', items: str } } },
    uptimeSeconds: { type: 'integer' },
  },
} as const;

export interface SystemRoutesOptions {
  status: () => Promise<SystemStatus>;
  journal: Journal;
  audit: AuditLog;
  scheduler: Scheduler;
}

export async function systemRoutes(app: FastifyInstance, opts: SystemRoutesOptions): Promise<void> {
  const both = { roles: ['administrator', 'teacher'] as ('administrator' | 'teacher')[] };
  app.get(
    '/system/status',
    { config: both, schema: { tags: ['système'], summary: 'Tableau de bord : domaine, disques, versions, état', response: { 200: statusSchema } } },
    async () => opts.status(),
  );

  app.get<{ Querystring: { limit: number } }>(
    '/events',
    {
      config: both,
      schema: {
        tags: ['système'],
        summary: 'Derniers événements du serveur',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 } } },
      },
    },
    async (req) => ({ events: opts.journal.latest(req.query.limit) }),
  );

  app.get<{ Querystring: { limit: number; before?: number; action?: string } }>(
    '/audit',
    {
      schema: {
        tags: ['système'],
        summary: 'Journal d’audit (qui a changé quoi, quand)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            before: { type: 'integer', minimum: 1 },
            action: { type: 'string', maxLength: 80 },
          },
        },
      },
    },
    async (req) => {
      const q: { limit: number; beforeId?: number; action?: string } = { limit: req.query.limit };
      if (req.query.before !== undefined) q.beforeId = req.query.before;
      if (req.query.action !== undefined) q.action = req.query.action;
      return { entries: opts.audit.list(q) };
    },
  );

  app.get('/jobs', { schema: { tags: ['système'], summary: 'Tâches planifiées' } }, async () => ({ jobs: opts.scheduler.list() }));
}
