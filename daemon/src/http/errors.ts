import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorObject } from 'ajv';
import { isAppError } from '../core/errors.ts';
import { formatConfigErrors } from '../core/config.ts';

/** Maps every error to {statusCode, code, message} in French; 5xx never leak internals. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isAppError(err)) {
      if (err.statusCode >= 500) req.log.error({ err }, err.message);
      return reply.code(err.statusCode).send({ statusCode: err.statusCode, code: err.code, message: err.message });
    }
    if (err.validation) {
      const where = err.validationContext ?? 'body';
      const input = where === 'body' ? req.body : where === 'querystring' ? req.query : where === 'params' ? req.params : req.headers;
      const lines = formatConfigErrors(err.validation as ErrorObject[], input);
      return reply.code(400).send({
        statusCode: 400,
        code: 'VALIDATION_ERROR',
        message: `Requête invalide : ${lines.join(' ; ')}`,
        details: lines,
      });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return reply.code(400).send({ statusCode: 400, code: 'BAD_JSON', message: 'Le corps de la requête n’est pas du JSON valide.' });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Envoyez les données en JSON (Content-Type: application/json).' });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ statusCode: 413, code: 'BODY_TOO_LARGE', message: 'Les données envoyées sont trop volumineuses.' });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status < 500) {
      return reply.code(status).send({ statusCode: status, code: err.code ?? 'BAD_REQUEST', message: 'Requête refusée.' });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send({
      statusCode: 500,
      code: 'INTERNAL',
      message: 'Erreur interne du serveur. L’incident est consigné dans le journal technique ; réessayez, puis contactez l’assistance si elle se répète.',
    });
  });
}
