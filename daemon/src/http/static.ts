import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Where the built console lives: $TROUSSE_WEB_ROOT, or web-admin/dist of this checkout. */
export function webRoot(): string {
  return process.env.TROUSSE_WEB_ROOT ?? fileURLToPath(new URL('../../../web-admin/dist/', import.meta.url));
}

/** Serves the built console; unknown non-API paths get index.html (client-side routes). */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  const root = webRoot();
  const hasConsole = existsSync(join(root, 'index.html'));
  if (hasConsole) {
    await app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'], wildcard: false, maxAge: '1h', immutable: false });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/socket.io') && hasConsole) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    if (req.method === 'GET' && path === '/' && !hasConsole) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('La console n’est pas construite : lancez « npm run build » à la racine du projet.');
    }
    return reply.code(404).send({ statusCode: 404, code: 'NOT_FOUND', message: `Adresse inconnue : ${req.method} ${path}` });
  });
}
