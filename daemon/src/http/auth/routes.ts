import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../core/audit.ts';
import type { EventBus } from '../../core/events.ts';
import { AppError } from '../../core/errors.ts';
import { auditRequest, SESSION_COOKIE } from './plugin.ts';
import type { AuthService } from './service.ts';
import type { Principal } from './types.ts';

const errorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
};
const userSchema = {
  type: 'object',
  properties: {
    login: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: ['administrator', 'teacher'] },
    kind: { type: 'string' },
  },
};
const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    role: { type: 'string' },
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    lastUsedAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
  },
};
const adminSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    login: { type: 'string' },
    displayName: { type: 'string' },
    createdAt: { type: 'string' },
    lastLoginAt: { type: ['string', 'null'] },
    disabled: { type: 'boolean' },
  },
};

const userOf = (p: Principal) => ({ login: p.subject, displayName: p.displayName, role: p.role, kind: p.kind });

export interface AuthRoutesOptions {
  auth: AuthService;
  audit: AuditLog;
  bus: EventBus;
  secureCookies: boolean;
  sessionMaxHours: number;
}

export async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): Promise<void> {
  const { auth, audit } = opts;

  app.post<{ Body: { login: string; password: string } }>(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Ouvre une session (administrateur de la console ou enseignant de l’annuaire)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login', 'password'],
          properties: { login: { type: 'string', minLength: 1, maxLength: 256 }, password: { type: 'string', maxLength: 1024 } },
        },
        response: {
          200: { type: 'object', properties: { user: userSchema, csrfToken: { type: 'string' } } },
          401: errorSchema,
          423: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host) {
        throw new AppError('CSRF', 'Requête refusée : elle ne vient pas de la console.', 403);
      }
      let result: Awaited<ReturnType<AuthService['login']>>;
      try {
        result = await auth.login(req.body.login, req.body.password, req.ip);
      } catch (err) {
        if (err instanceof AppError && ['INVALID_CREDENTIALS', 'ACCOUNT_LOCKED'].includes(err.code)) {
          req.audited = true;
          audit.record({
            actor: 'anonyme',
            actorRole: null,
            action: err.code === 'ACCOUNT_LOCKED' ? 'auth.login.locked' : 'auth.login.failed',
            target: req.body.login.slice(0, 80),
            ip: req.ip,
            requestId: req.id,
          });
        }
        if (err instanceof AppError && err.code === 'TOO_MANY_ATTEMPTS') reply.header('retry-after', String(err.details?.retryAfter ?? 60));
        throw err;
      }
      reply.setCookie(SESSION_COOKIE, result.sessionId, {
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookies,
        path: '/',
        maxAge: opts.sessionMaxHours * 3600,
      });
      req.principal = result.principal;
      auditRequest(audit, req, { action: 'auth.login', target: result.principal.subject });
      return { user: userOf(result.principal), csrfToken: result.csrfToken };
    },
  );

  app.get(
    '/auth/me',
    { config: { roles: ['administrator', 'teacher'] }, schema: { tags: ['auth'], summary: 'La session en cours' } },
    async (req) => {
      const p = req.principal as Principal;
      return { user: userOf(p), csrfToken: p.csrfToken ?? null };
    },
  );

  app.post('/auth/logout', { config: { roles: ['administrator', 'teacher'] }, schema: { tags: ['auth'] } }, async (req, reply) => {
    const p = req.principal as Principal;
    if (p.sessionId) {
      auth.logout(p.sessionId);
      opts.bus.emit('session.ended', { sessionId: p.sessionId });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    auditRequest(audit, req, { action: 'auth.logout', target: p.subject });
    return reply.code(204).send();
  });

  // ---- API tokens (administrators) ----
  app.get('/tokens', { schema: { tags: ['auth'], summary: 'Jetons d’API', response: { 200: { type: 'object', properties: { tokens: { type: 'array', items: tokenSchema } } } } } }, async () => ({
    tokens: auth.listTokens(),
  }));

  app.post<{ Body: { name: string } }>(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Crée un jeton d’API (affiché une seule fois)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 80 } },
        },
        response: { 201: { type: 'object', properties: { token: { type: 'string' }, info: tokenSchema } } },
      },
    },
    async (req, reply) => {
      const p = req.principal as Principal;
      const created = auth.createToken(req.body.name, 'administrator', `${p.kind}:${p.subject}`);
      auditRequest(audit, req, { action: 'auth.token.create', target: `token:${created.info.id}`, after: created.info });
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Révoque un jeton d’API',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
      },
    },
    async (req) => {
      const before = auth.getToken(req.params.id);
      const after = auth.revokeToken(req.params.id);
      auditRequest(audit, req, { action: 'auth.token.revoke', target: `token:${req.params.id}`, before, after });
      return { info: after };
    },
  );

  // ---- console administrators ----
  app.get('/admins', { schema: { tags: ['auth'], summary: 'Administrateurs de la console', response: { 200: { type: 'object', properties: { admins: { type: 'array', items: adminSchema } } } } } }, async () => ({
    admins: auth.listAdmins(),
  }));

  app.post<{ Body: { login: string; displayName?: string; password: string } }>(
    '/admins',
    {
      schema: {
        tags: ['auth'],
        summary: 'Crée un administrateur de la console',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login', 'password'],
          properties: {
            login: { type: 'string', minLength: 1, maxLength: 64 },
            displayName: { type: 'string', maxLength: 120 },
            password: { type: 'string', maxLength: 256 },
          },
        },
        response: { 201: adminSchema },
      },
    },
    async (req, reply) => {
      const admin = await auth.createAdmin(req.body.login, req.body.displayName ?? req.body.login, req.body.password);
      auditRequest(audit, req, { action: 'auth.admin.create', target: `admin:${admin.login}`, after: admin });
      return reply.code(201).send(admin);
    },
  );

  app.delete<{ Params: { login: string } }>(
    '/admins/:login',
    { schema: { tags: ['auth'], summary: 'Supprime un administrateur', params: { type: 'object', properties: { login: { type: 'string' } } } } },
    async (req, reply) => {
      const before = auth.getAdmin(req.params.login);
      auth.deleteAdmin(req.params.login);
      auditRequest(audit, req, { action: 'auth.admin.delete', target: `admin:${req.params.login}`, before });
      return reply.code(204).send();
    },
  );
}
