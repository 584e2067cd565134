import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance, } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { auditRequest, requestActor } from '../http/auth/plugin.ts';
import { DIFF_ACTION_LABELS, IMPORT_LIMITS, type DiffAction } from './model.ts';
import type { ImportService } from './service.ts';

const tags = ['imports'];
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

const actor = requestActor;

const tooLarge = () =>
  new AppError(
    'IMPORT_TOO_LARGE',
    `Fichier trop volumineux (plus de ${IMPORT_LIMITS.maxFileBytes / 1024 / 1024} Mo) : ce n’est sans doute pas un export SIECLE, STS-Web, AAF ou CSV. Vérifiez le fichier choisi.`,
    413,
  );

/** Streams the request body to a private temp file, refusing it past the size limit. */
async function saveUpload(body: Readable, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `upload-${randomBytes(8).toString('hex')}`);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > IMPORT_LIMITS.maxFileBytes) cb(tooLarge());
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    rmSync(file, { force: true });
    throw err;
  }
  return file;
}

export async function importRoutes(app: FastifyInstance, opts: { imports: ImportService; audit: AuditLog; tmpDir: string }): Promise<void> {
  const { imports, audit } = opts;
  // the upload's body is the file itself, streamed to disk (never held in memory)
  app.addContentTypeParser('application/octet-stream', { bodyLimit: IMPORT_LIMITS.maxFileBytes + 1 }, (_req, payload, done) => done(null, payload));

  app.get('/imports', { schema: { tags, summary: 'Les imports, du plus récent au plus ancien' } }, async () => imports.listRuns());

  app.post(
    '/imports',
    {
      schema: {
        tags,
        summary: 'Commence un import (mise à jour en cours d’année, ou rentrée)',
        body: { type: 'object', additionalProperties: false, required: ['mode'], properties: { mode: { type: 'string', enum: ['update', 'rollover'] } } },
      },
    },
    async (req, reply) => {
      const run = imports.createRun((req.body as { mode: 'update' | 'rollover' }).mode, actor(req));
      auditRequest(audit, req, { action: 'imports.create', target: String(run.id), after: { mode: run.mode } });
      return reply.code(201).send(run);
    },
  );

  app.get('/imports/:id', { schema: { tags, summary: 'Un import', params: idParam } }, async (req) =>
    imports.getRunWithPasswords((req.params as { id: number }).id),
  );

  app.delete('/imports/:id', { schema: { tags, summary: 'Abandonne un import non appliqué', params: idParam } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    imports.deleteRun(id);
    auditRequest(audit, req, { action: 'imports.delete', target: String(id) });
    return reply.code(204).send();
  });

  app.post(
    '/imports/:id/files',
    {
      bodyLimit: IMPORT_LIMITS.maxFileBytes + 1,
      schema: {
        tags,
        summary: 'Ajoute un fichier (corps brut, application/octet-stream)',
        params: idParam,
        querystring: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } },
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const { name } = req.query as { name: string };
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw new AppError('IMPORT_BAD_UPLOAD', 'Envoyez le fichier tel quel (Content-Type: application/octet-stream).', 415);
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > IMPORT_LIMITS.maxFileBytes) throw tooLarge();
      imports.getRun(id);
      const file = await saveUpload(req.body as Readable, opts.tmpDir);
      // only the base name of what the browser sent is shown, never used as a path
      const shown = name.split(/[\\/]/).pop()?.replace(/[\u0000-\u001f]/g, '') || 'fichier';
      try {
        const run = await imports.addFile(id, file, shown);
        auditRequest(audit, req, { action: 'imports.file', target: String(id), after: { name: shown, kinds: run.files.map((f) => f.kind) } });
        return run;
      } finally {
        rmSync(file, { force: true });
      }
    },
  );

  app.delete(
    '/imports/:id/files/:index',
    {
      schema: {
        tags,
        summary: 'Retire un fichier de l’import',
        params: { type: 'object', required: ['id', 'index'], properties: { id: { type: 'integer', minimum: 1 }, index: { type: 'integer', minimum: 0 } } },
      },
    },
    async (req) => {
      const { id, index } = req.params as { id: number; index: number };
      return imports.removeFile(id, index);
    },
  );

  app.post('/imports/:id/analyse', { schema: { tags, summary: 'Calcule les différences (rien n’est modifié)', params: idParam } }, async (req) =>
    imports.analyse((req.params as { id: number }).id),
  );

  app.get(
    '/imports/:id/items',
    {
      schema: {
        tags,
        summary: 'Le détail des différences (pagination côté serveur)',
        params: idParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            action: { type: 'string', enum: Object.keys(DIFF_ACTION_LABELS) },
            q: { type: 'string', maxLength: 100 },
            page: { type: 'integer', minimum: 1, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
      },
    },
    async (req) => imports.items((req.params as { id: number }).id, req.query as { action?: DiffAction; q?: string; page?: number; pageSize?: number }),
  );

  app.post(
    '/imports/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Tranche un cas ambigu (login = même personne, null = nouvelle personne)',
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'login'],
          properties: { key: { type: 'string', minLength: 1, maxLength: 300 }, login: { type: ['string', 'null'], maxLength: 64 } },
        },
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const { key, login } = req.body as { key: string; login: string | null };
      const run = await imports.resolve(id, key, login);
      auditRequest(audit, req, { action: 'imports.resolve', target: String(id), after: { login } });
      return run;
    },
  );

  app.post(
    '/imports/:id/apply',
    {
      schema: {
        tags,
        summary: 'Applique l’import (ou reprend un import interrompu)',
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['confirm'],
          properties: { confirm: { type: 'boolean', const: true }, skipErrors: { type: 'boolean' } },
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const { skipErrors } = req.body as { skipErrors?: boolean };
      const run = await imports.apply(id, { skipErrors: skipErrors === true }, actor(req));
      auditRequest(audit, req, { action: 'imports.apply', target: String(id), after: { skipErrors: skipErrors === true, counts: run.diff?.counts } });
      return reply.code(202).send(run);
    },
  );

  app.get('/imports/:id/report.csv', { schema: { tags, summary: 'Le rapport de l’import (CSV)', params: idParam } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="rapport-import-${id}.csv"`)
      .send(imports.reportCsv(id));
  });

  app.get('/imports/:id/passwords.csv', { schema: { tags, summary: 'Les nouveaux comptes et leurs mots de passe initiaux (CSV)', params: idParam } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const csv = await imports.passwordsCsv(id);
    auditRequest(audit, req, { action: 'imports.passwords', target: String(id) });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="nouveaux-comptes-import-${id}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
