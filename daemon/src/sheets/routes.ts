import type { FastifyInstance, } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { auditRequest, requestActor } from '../http/auth/plugin.ts';
import type { SheetSelection, SheetsService } from './service.ts';

const actor = requestActor;

export async function sheetsRoutes(app: FastifyInstance, opts: { sheets: SheetsService; audit: AuditLog }): Promise<void> {
  app.post(
    '/sheets',
    {
      schema: {
        tags: ['annuaire'],
        summary: 'Fiches de connexion à découper (PDF, 8 par page)',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            classe: { type: 'string', minLength: 1, maxLength: 128 },
            group: { type: 'string', minLength: 1, maxLength: 128 },
            logins: { type: 'array', minItems: 1, maxItems: 5000, items: { type: 'string', minLength: 1, maxLength: 64 } },
            importId: { type: 'integer', minimum: 1 },
            resetMissing: { type: 'boolean' },
          },
        },
      },
    },
    async (req, reply) => {
      const sel = req.body as SheetSelection;
      const out = await opts.sheets.render(sel, actor(req));
      auditRequest(opts.audit, req, {
        action: 'sheets.render',
        target: sel.classe ?? sel.group ?? (sel.importId ? `import:${sel.importId}` : 'selection'),
        after: { cards: out.cards, reset: out.reset },
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${out.filename}"`)
        .header('cache-control', 'no-store')
        .send(out.pdf);
    },
  );
}
