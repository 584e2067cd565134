import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { AuditLog } from '../../core/audit.ts';
import { safeEqual } from '../../core/passwords.ts';
import type { AuthService } from './service.ts';
import { actorOf, type Principal, type Role } from './types.ts';

export const SESSION_COOKIE = 'trousse_sid';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthPluginOptions {
  auth: AuthService;
  audit: AuditLog;
  secureCookies: boolean;
}

/** Resolves the principal of a request from its bearer token or session cookie. */
export function authenticate(auth: AuthService, headers: Record<string, string | string[] | undefined>, cookies: Record<string, string | undefined>):
  | Principal
  | 'expired'
  | 'bad-token'
  | null {
  const header = headers.authorization;
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer ')) {
    return auth.tokenPrincipal(header.slice(7).trim()) ?? 'bad-token';
  }
  const sid = cookies[SESSION_COOKIE];
  return sid ? auth.sessionPrincipal(sid) : null;
}

function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Authentication and authorisation for every route of the daemon: routes under /api/v1 need a
 * principal unless marked `config.public`, and one of `config.roles` (default: administrator).
 * Session-authenticated writes need the session's CSRF token in X-CSRF-Token; writes from another
 * origin are refused. Every successful write that did not write its own audit entry gets a generic one.
 */
export function registerAuthHooks(app: FastifyInstance, opts: AuthPluginOptions): void {
  const { auth, audit } = opts;
  app.decorateRequest('principal', null);
  app.decorateRequest('audited', false);

  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!req.url.startsWith('/api/v1/')) return;
    const config = req.routeOptions.config;
    const result = authenticate(auth, req.headers, req.cookies);
    if (result === 'bad-token') throw new AppError('INVALID_TOKEN', 'Jeton d’API invalide ou révoqué.', 401);
    if (result && result !== 'expired') req.principal = result;
    if (config?.public) return;
    if (result === 'expired') throw new AppError('SESSION_EXPIRED', 'Votre session a expiré, reconnectez-vous.', 401);
    if (!req.principal) throw new AppError('UNAUTHENTICATED', 'Connectez-vous pour continuer.', 401);
    const roles: Role[] = config?.roles ?? ['administrator'];
    if (!roles.includes(req.principal.role)) {
      throw new AppError('FORBIDDEN', 'Cette action est réservée aux administrateurs.', 403);
    }
    if (MUTATING.has(req.method) && req.principal.kind !== 'token') {
      if (!sameOrigin(req)) throw new AppError('CSRF', 'Requête refusée : elle ne vient pas de la console.', 403);
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !req.principal.csrfToken || !safeEqual(sent, req.principal.csrfToken)) {
        throw new AppError('CSRF', 'Requête refusée (jeton anti-falsification absent ou invalide) : rechargez la page.', 403);
      }
    }
  });

  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!MUTATING.has(req.method) || !req.url.startsWith('/api/v1/') || req.audited) return;
    if (reply.statusCode >= 400 || !req.principal) return;
    audit.record({
      actor: actorOf(req.principal),
      actorRole: req.principal.role,
      action: `${req.method} ${req.routeOptions.url ?? req.url}`,
      target: req.url,
      after: req.body ?? null,
      ip: req.ip,
      requestId: req.id,
    });
  });
}

/** Writes an explicit audit entry for this request (and skips the generic one). */
/** Who makes this request, for the capabilities' checks and audit (`Actor` in directory terms). */
export function requestActor(req: FastifyRequest): { role: Role; login: string; name: string } {
  const p = req.principal;
  if (!p) throw new AppError('UNAUTHENTICATED', 'Connectez-vous pour continuer.', 401);
  return { role: p.role, login: p.subject, name: actorOf(p) };
}

export function auditRequest(
  audit: AuditLog,
  req: FastifyRequest,
  entry: { action: string; target?: string | null; before?: unknown; after?: unknown },
): void {
  req.audited = true;
  audit.record({
    actor: actorOf(req.principal),
    actorRole: req.principal?.role ?? null,
    ip: req.ip,
    requestId: req.id,
    ...entry,
  });
}
