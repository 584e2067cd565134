import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import type { AuditLog } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { auditRequest } from '../http/auth/plugin.ts';
import { ITEM_KINDS, ITEM_STATUSES, type ItemKind } from './model.ts';
import { purchaseCsvTemplate } from './purchases.ts';
import type { InventoryService, ItemPatch } from './service.ts';

const tags = ['inventaire du parc'];
const MAX_TEXT_BODY = 4 * 1024 * 1024;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const nullableDate = { type: ['string', 'null'], maxLength: 10 } as const;
const itemPatch = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 100 },
    kind: { type: 'string', enum: [...ITEM_KINDS] },
    room: { type: ['string', 'null'], maxLength: 100 },
    notes: { type: 'string', maxLength: 2000 },
    purchase: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        purchaseDate: nullableDate,
        warrantyEnd: nullableDate,
        supplier: { type: 'string', maxLength: 200 },
        orderNumber: { type: 'string', maxLength: 200 },
        invoice: { type: 'string', maxLength: 200 },
        value: { type: ['number', 'null'], minimum: 0 },
      },
    },
  },
} as const;

let reportSchema: unknown = null;
/** The published JSON Schema of the report. */
export function inventoryReportSchema(): unknown {
  reportSchema ??= JSON.parse(readFileSync(new URL('./report.schema.json', import.meta.url), 'utf8'));
  return reportSchema;
}

const id = (req: FastifyRequest) => (req.params as { id: number }).id;

export async function inventoryRoutes(app: FastifyInstance, opts: { inventory: InventoryService; audit: AuditLog }): Promise<void> {
  const { inventory, audit } = opts;
  for (const type of ['text/csv', 'text/plain']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: MAX_TEXT_BODY }, (_req, body, done) => done(null, body));
  }

  app.get(
    '/inventory/items',
    {
      schema: {
        tags,
        summary: 'Le parc : chaque matériel avec ses informations, son état et ses raisons',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: [...ITEM_KINDS] }, status: { type: 'string', enum: [...ITEM_STATUSES] }, room: { type: 'string', maxLength: 100 }, q: { type: 'string', maxLength: 100 } },
        },
      },
    },
    async (req) => inventory.list(req.query as { kind?: ItemKind; status?: string; room?: string; q?: string }),
  );
  app.get('/inventory/summary', { schema: { tags, summary: 'Nombre de matériels par état' } }, async () => inventory.counts());
  app.get('/inventory/items/:id', { schema: { tags, summary: 'Un matériel, son historique et le nombre de logiciels', params: idParam } }, async (req) => ({
    item: inventory.get(id(req)),
    changes: inventory.changes(id(req)),
  }));
  app.get('/inventory/items/:id/software', { schema: { tags, summary: 'Les logiciels installés (dernier inventaire de l’agent)', params: idParam } }, async (req) => inventory.software(id(req)));
  app.patch('/inventory/items/:id', { schema: { tags, summary: 'Modifie un matériel (nom, salle, notes, achat et garantie)', params: idParam, body: itemPatch } }, async (req) => {
    const r = inventory.update(id(req), req.body as ItemPatch);
    auditRequest(audit, req, { action: 'inventory.update', target: r.after.name, before: r.before, after: r.after });
    return r.after;
  });
  app.delete(
    '/inventory/items/:id',
    {
      schema: {
        tags,
        summary: 'Retire un matériel de l’inventaire (retaper son nom)',
        params: idParam,
        body: { type: 'object', additionalProperties: false, required: ['confirm'], properties: { confirm: { type: 'string', maxLength: 200 } } },
      },
    },
    async (req) => {
      const item = inventory.delete(id(req), (req.body as { confirm: string }).confirm);
      auditRequest(audit, req, { action: 'inventory.delete', target: item.name, before: item });
      return item;
    },
  );
  app.get('/inventory/rules', { schema: { tags, summary: 'Règles de vieillissement' } }, async () => inventory.rules());
  app.put('/inventory/rules', { schema: { tags, summary: 'Modifie les règles de vieillissement (tout le parc est réévalué)', body: { type: 'object' } } }, async (req) => {
    const before = inventory.rules();
    const after = inventory.updateRules(req.body);
    auditRequest(audit, req, { action: 'inventory.rules', before, after });
    return after;
  });
  app.get('/inventory/purchases/template', { schema: { tags, summary: 'Modèle CSV du registre des achats' } }, async (_req, reply) =>
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="registre-achats-modele.csv"').send(purchaseCsvTemplate()),
  );
  app.post(
    '/inventory/purchases',
    {
      schema: {
        tags,
        summary: 'Importe le registre des achats (CSV) ; simulation sans ?apply=true ; tout ou rien',
        querystring: { type: 'object', additionalProperties: false, properties: { apply: { type: 'boolean', default: false } } },
      },
    },
    async (req) => {
      const body = req.body;
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : null;
      if (text === null) throw new AppError('FILE_MISSING', 'Aucun fichier reçu : choisissez le fichier CSV du registre des achats.', 400);
      const apply = (req.query as { apply: boolean }).apply;
      const r = inventory.importPurchases(text, !apply);
      if (apply && !r.dryRun) auditRequest(audit, req, { action: 'inventory.purchases', after: { matched: r.matched, created: r.created } });
      else req.audited = true;
      return r;
    },
  );
  app.get(
    '/inventory/report',
    {
      schema: {
        tags,
        summary: 'Rapport d’inventaire : JSON (schéma publié), CSV ou page HTML imprimable',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['json', 'csv', 'html'], default: 'json' }, download: { type: 'boolean', default: false } },
        },
      },
    },
    async (req, reply) => {
      const q = req.query as { format: 'json' | 'csv' | 'html'; download: boolean };
      const r = inventory.render(q.format);
      reply.header('content-type', r.contentType);
      if (q.download || q.format === 'csv') reply.header('content-disposition', `attachment; filename="${r.fileName}"`);
      if (q.format === 'html') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      return reply.send(r.body);
    },
  );
  app.get('/inventory/report.schema.json', { schema: { tags, summary: 'Le schéma JSON publié du rapport' } }, async (_req, reply) =>
    reply.header('content-type', 'application/schema+json').send(JSON.stringify(inventoryReportSchema())),
  );
  app.post('/inventory/refresh-local', { schema: { tags, summary: 'Refait l’inventaire du serveur maintenant' } }, async () => inventory.refreshLocal());
}
