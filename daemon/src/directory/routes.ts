import type { FastifyInstance, } from 'fastify';
import type { AuditLog } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { auditRequest, requestActor } from '../http/auth/plugin.ts';
import { PROFILES, STAFF_FUNCTIONS, type ListQuery, type NewUser, type UserChanges } from './model.ts';
import type { DirectoryService } from './service.ts';
import { settingsSchema } from './settings.ts';

const BOTH = { roles: ['administrator', 'teacher'] as ('administrator' | 'teacher')[] };
const nullable = (type: string) => ({ type: [type, 'null'] });

const userSummary = {
  type: 'object',
  properties: {
    login: { type: 'string' },
    givenName: { type: 'string' },
    surname: { type: 'string' },
    displayName: { type: 'string' },
    profile: { type: 'string', enum: [...PROFILES] },
    staffFunction: nullable('string'),
    classe: nullable('string'),
    state: { type: 'string', enum: ['active', 'disabled', 'deleted'] },
    uidNumber: { type: 'integer' },
    nationalId: nullable('string'),
  },
} as const;

const userDetail = {
  type: 'object',
  properties: {
    ...userSummary.properties,
    groups: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, kind: { type: 'string' }, label: { type: 'string' } } },
    },
    createdAt: nullable('string'),
    lastLogonAt: nullable('string'),
    mustChangePassword: { type: 'boolean' },
    deletedAt: nullable('string'),
    purgeAfter: nullable('string'),
    initialPasswordKept: { type: 'boolean' },
  },
} as const;

const classDetail = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    slug: { type: 'string' },
    pupils: { type: 'array', items: userSummary },
    teachers: { type: 'array', items: userSummary },
  },
} as const;

const groupSummary = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    kind: { type: 'string', enum: ['classe', 'equipe', 'profil', 'groupe', 'libre'] },
    label: { type: 'string' },
    description: { type: 'string' },
    members: { type: 'integer' },
    gidNumber: nullable('integer'),
  },
} as const;

const groupDetail = {
  type: 'object',
  properties: { ...groupSummary.properties, memberList: { type: 'array', items: userSummary } },
} as const;

const loginParam = {
  type: 'object',
  required: ['login'],
  properties: { login: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

const nameField = { type: 'string', maxLength: 128 };
const tags = ['annuaire'];

const actor = requestActor;

export async function directoryRoutes(app: FastifyInstance, opts: { directory: DirectoryService; audit: AuditLog }): Promise<void> {
  const { directory, audit } = opts;

  app.get(
    '/directory/users',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Recherche des comptes (pagination côté serveur)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 100 },
            profile: { type: 'string', enum: [...PROFILES] },
            classe: { type: 'string', maxLength: 128 },
            group: { type: 'string', maxLength: 128 },
            state: { type: 'string', enum: ['active', 'disabled', 'deleted', 'all'] },
            page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            sort: { type: 'string', enum: ['name', 'login', 'classe'], default: 'name' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' }, items: { type: 'array', items: userSummary } },
          },
        },
      },
    },
    async (req) => directory.listUsers(req.query as ListQuery, actor(req)),
  );

  app.get(
    '/directory/users/:login',
    { config: BOTH, schema: { tags, summary: 'Un compte', params: loginParam, response: { 200: userDetail } } },
    async (req) => directory.getUser((req.params as { login: string }).login, actor(req)),
  );

  app.post(
    '/directory/users',
    {
      schema: {
        tags,
        summary: 'Crée un compte (le mot de passe initial n’est renvoyé qu’une fois)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['givenName', 'surname', 'profile'],
          properties: {
            givenName: nameField,
            surname: nameField,
            profile: { type: 'string', enum: [...PROFILES] },
            staffFunction: { type: ['string', 'null'], enum: [...STAFF_FUNCTIONS, null] },
            classe: { type: ['string', 'null'], maxLength: 128 },
            nationalId: { type: ['string', 'null'], maxLength: 64 },
            login: { type: ['string', 'null'], maxLength: 64 },
            password: { type: ['string', 'null'], maxLength: 128 },
            mustChange: { type: ['boolean', 'null'] },
          },
        },
        response: { 201: { type: 'object', properties: { user: userDetail, password: { type: 'string' } } } },
      },
    },
    async (req, reply) => {
      const created = await directory.createUser(req.body as NewUser);
      auditRequest(audit, req, {
        action: 'directory.user-create',
        target: created.user.login,
        after: { profile: created.user.profile, classe: created.user.classe, displayName: created.user.displayName },
      });
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/directory/users/:login',
    {
      schema: {
        tags,
        summary: 'Corrige un compte (l’identifiant ne change jamais)',
        params: loginParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            givenName: nameField,
            surname: nameField,
            staffFunction: { type: 'string', enum: [...STAFF_FUNCTIONS] },
            nationalId: { type: ['string', 'null'], maxLength: 64 },
          },
        },
        response: { 200: userDetail },
      },
    },
    async (req) => {
      const { login } = req.params as { login: string };
      const before = await directory.getUser(login);
      const after = await directory.updateUser(login, req.body as UserChanges);
      auditRequest(audit, req, {
        action: 'directory.user-update',
        target: login,
        before: { displayName: before.displayName, staffFunction: before.staffFunction, nationalId: before.nationalId },
        after: { displayName: after.displayName, staffFunction: after.staffFunction, nationalId: after.nationalId },
      });
      return after;
    },
  );

  app.post(
    '/directory/users/:login/password',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Réinitialise le mot de passe (enseignants : élèves de leurs classes)',
        params: loginParam,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { password: { type: ['string', 'null'], maxLength: 128 }, mustChange: { type: ['boolean', 'null'] } },
        },
        response: { 200: { type: 'object', properties: { password: { type: 'string' } } } },
      },
    },
    async (req) => {
      const { login } = req.params as { login: string };
      const body = (req.body ?? {}) as { password?: string | null; mustChange?: boolean | null };
      try {
        const result = await directory.resetPassword(login, body, actor(req));
        auditRequest(audit, req, { action: 'directory.password-reset', target: login, after: { typed: Boolean(body.password), mustChange: body.mustChange ?? null } });
        return result;
      } catch (err) {
        if (err instanceof AppError && err.code === 'FORBIDDEN') {
          auditRequest(audit, req, { action: 'directory.password-reset-refused', target: login });
        }
        throw err;
      }
    },
  );

  for (const [path, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(
      `/directory/users/:login/${path}`,
      { schema: { tags, summary: enabled ? 'Réactive un compte' : 'Désactive un compte', params: loginParam, response: { 200: userDetail } } },
      async (req) => {
        const { login } = req.params as { login: string };
        const user = await directory.setEnabled(login, enabled);
        auditRequest(audit, req, { action: `directory.user-${path}`, target: login, after: { state: user.state } });
        return user;
      },
    );
  }

  app.post(
    '/directory/users/:login/move',
    {
      schema: {
        tags,
        summary: 'Change un élève de classe',
        params: loginParam,
        body: { type: 'object', additionalProperties: false, required: ['classe'], properties: { classe: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 200: userDetail },
      },
    },
    async (req) => {
      const { login } = req.params as { login: string };
      const before = await directory.getUser(login);
      const user = await directory.moveUser(login, (req.body as { classe: string }).classe);
      auditRequest(audit, req, { action: 'directory.user-move', target: login, before: { classe: before.classe }, after: { classe: user.classe } });
      return user;
    },
  );

  app.delete(
    '/directory/users/:login',
    { schema: { tags, summary: 'Supprime un compte (délai de grâce, restauration possible)', params: loginParam, response: { 200: userDetail } } },
    async (req) => {
      const { login } = req.params as { login: string };
      const user = await directory.deleteUser(login, actor(req));
      auditRequest(audit, req, { action: 'directory.user-delete', target: login, after: { purgeAfter: user.purgeAfter } });
      return user;
    },
  );

  app.post(
    '/directory/users/:login/restore',
    { schema: { tags, summary: 'Restaure un compte supprimé', params: loginParam, response: { 200: userDetail } } },
    async (req) => {
      const { login } = req.params as { login: string };
      const user = await directory.restoreUser(login);
      auditRequest(audit, req, { action: 'directory.user-restore', target: login });
      return user;
    },
  );

  app.post(
    '/directory/users/:login/purge',
    {
      schema: {
        tags,
        summary: 'Efface définitivement un compte supprimé',
        params: loginParam,
        body: { type: 'object', required: ['confirm'], additionalProperties: false, properties: { confirm: { type: 'string', maxLength: 64 } } },
      },
    },
    async (req, reply) => {
      const { login } = req.params as { login: string };
      if ((req.body as { confirm: string }).confirm !== login) {
        throw new AppError('CONFIRMATION_REQUIRED', `Pour confirmer, retapez exactement l’identifiant « ${login} ».`, 400);
      }
      await directory.purgeUser(login);
      auditRequest(audit, req, { action: 'directory.user-purge', target: login });
      return reply.code(204).send();
    },
  );

  // ---- classes ----

  app.get(
    '/directory/classes',
    {
      config: BOTH,
      schema: {
        tags,
        summary: 'Les classes (un enseignant ne voit que les siennes)',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { name: { type: 'string' }, slug: { type: 'string' }, pupils: { type: 'integer' }, teachers: { type: 'array', items: userSummary } },
                },
              },
            },
          },
        },
      },
    },
    async (req) => ({ items: await directory.listClasses(actor(req)) }),
  );

  app.post(
    '/directory/classes',
    {
      schema: {
        tags,
        summary: 'Crée une classe (unité, groupe des élèves, équipe pédagogique)',
        body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 201: classDetail },
      },
    },
    async (req, reply) => {
      const created = await directory.createClass((req.body as { name: string }).name);
      auditRequest(audit, req, { action: 'directory.class-create', target: created.name });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/directory/classes/:name',
    { config: BOTH, schema: { tags, summary: 'Une classe : élèves et équipe pédagogique', params: nameParam, response: { 200: classDetail } } },
    async (req) => directory.getClass((req.params as { name: string }).name, actor(req)),
  );

  app.put(
    '/directory/classes/:name/teachers',
    {
      schema: {
        tags,
        summary: 'Fixe l’équipe pédagogique d’une classe',
        params: nameParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['logins'],
          properties: { logins: { type: 'array', maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 64 } } },
        },
        response: { 200: classDetail },
      },
    },
    async (req) => {
      const { name } = req.params as { name: string };
      const before = await directory.getClass(name);
      const after = await directory.setClassTeachers(name, (req.body as { logins: string[] }).logins);
      auditRequest(audit, req, {
        action: 'directory.class-teachers',
        target: name,
        before: { teachers: before.teachers.map((t) => t.login) },
        after: { teachers: after.teachers.map((t) => t.login) },
      });
      return after;
    },
  );

  app.delete('/directory/classes/:name', { schema: { tags, summary: 'Supprime une classe vide', params: nameParam } }, async (req, reply) => {
    const { name } = req.params as { name: string };
    await directory.deleteClass(name);
    auditRequest(audit, req, { action: 'directory.class-delete', target: name });
    return reply.code(204).send();
  });

  app.get(
    '/directory/classes/:name/initial-passwords',
    {
      schema: {
        tags,
        summary: 'Mots de passe initiaux encore conservés pour les élèves de la classe (fiches)',
        params: nameParam,
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: { type: 'object', properties: { login: { type: 'string' }, displayName: { type: 'string' }, password: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const { name } = req.params as { name: string };
      const items = await directory.initialPasswords(name);
      auditRequest(audit, req, { action: 'directory.initial-passwords-read', target: name, after: { count: items.length } });
      return { items };
    },
  );

  // ---- groups ----

  app.get(
    '/directory/groups',
    {
      schema: {
        tags,
        summary: 'Les groupes',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: ['classe', 'equipe', 'profil', 'groupe', 'libre'] } },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: groupSummary } } } },
      },
    },
    async (req) => ({ items: await directory.listGroups((req.query as { kind?: string }).kind) }),
  );

  app.post(
    '/directory/groups',
    {
      schema: {
        tags,
        summary: 'Crée un groupe libre (option, club, groupe de travail)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, description: { type: 'string', maxLength: 200 } },
        },
        response: { 201: groupDetail },
      },
    },
    async (req, reply) => {
      const body = req.body as { name: string; description?: string };
      const group = await directory.createGroup(body.name, body.description);
      auditRequest(audit, req, { action: 'directory.group-create', target: group.name });
      return reply.code(201).send(group);
    },
  );

  app.get(
    '/directory/groups/:name',
    { schema: { tags, summary: 'Un groupe et ses membres', params: nameParam, response: { 200: groupDetail } } },
    async (req) => directory.getGroup((req.params as { name: string }).name),
  );

  app.post(
    '/directory/groups/:name/members',
    {
      schema: {
        tags,
        summary: 'Ajoute des membres à un groupe libre',
        params: nameParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['logins'],
          properties: { logins: { type: 'array', minItems: 1, maxItems: 2000, items: { type: 'string', minLength: 1, maxLength: 64 } } },
        },
        response: { 200: groupDetail },
      },
    },
    async (req) => {
      const { name } = req.params as { name: string };
      const { logins } = req.body as { logins: string[] };
      const group = await directory.addGroupMembers(name, logins);
      auditRequest(audit, req, { action: 'directory.group-add', target: name, after: { logins } });
      return group;
    },
  );

  app.delete(
    '/directory/groups/:name/members/:login',
    {
      schema: {
        tags,
        summary: 'Retire un membre d’un groupe libre',
        params: { type: 'object', required: ['name', 'login'], properties: { name: nameParam.properties.name, login: loginParam.properties.login } },
        response: { 200: groupDetail },
      },
    },
    async (req) => {
      const { name, login } = req.params as { name: string; login: string };
      const group = await directory.removeGroupMember(name, login);
      auditRequest(audit, req, { action: 'directory.group-remove', target: name, before: { login } });
      return group;
    },
  );

  app.delete('/directory/groups/:name', { schema: { tags, summary: 'Supprime un groupe libre', params: nameParam } }, async (req, reply) => {
    const { name } = req.params as { name: string };
    await directory.deleteGroup(name);
    auditRequest(audit, req, { action: 'directory.group-delete', target: name });
    return reply.code(204).send();
  });

  // ---- settings ----

  app.get('/directory/settings', { schema: { tags, summary: 'Réglages de l’annuaire', response: { 200: settingsSchema } } }, async () =>
    directory.settings(),
  );

  app.put(
    '/directory/settings',
    { schema: { tags, summary: 'Modifie les réglages de l’annuaire (et la politique de mots de passe du domaine)', body: { type: 'object' }, response: { 200: settingsSchema } } },
    async (req) => {
      const before = directory.settings();
      const after = await directory.updateSettings(req.body);
      auditRequest(audit, req, { action: 'directory.settings', target: 'annuaire', before, after });
      return after;
    },
  );
}
