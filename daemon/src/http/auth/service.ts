import type { Db } from '../../db/index.ts';
import type { AuthConfig } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import {
  burnPasswordCheck,
  hashPassword,
  randomToken,
  sha256,
  verifyPassword,
} from '../../core/passwords.ts';
import type { DirectoryAuthenticator, Principal, Role } from './types.ts';

export interface AdminAccount {
  id: number;
  login: string;
  displayName: string;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
}

export interface ApiTokenInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface LoginResult {
  principal: Principal;
  /** The cookie value: given to the browser once, only its hash is stored. */
  sessionId: string;
  csrfToken: string;
  expiresAt: number;
}

const LOGIN_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ADMIN_PASSWORD_MIN = 12;

/** Accepts "login", "DOMAIN\login" and "login@realm"; returns the bare login or null. */
export function normaliseLogin(raw: string): string | null {
  let login = raw.trim();
  const bs = login.lastIndexOf('\\');
  if (bs >= 0) login = login.slice(bs + 1);
  const at = login.indexOf('@');
  if (at >= 0) login = login.slice(0, at);
  return LOGIN_RE.test(login) ? login : null;
}

/**
 * Console authentication: administrator accounts (argon2id), directory logins for teachers,
 * sessions (idle and absolute expiry), per-login lockout and per-address rate limiting, API tokens.
 */
export class AuthService {
  readonly #db: Db;
  readonly #cfg: AuthConfig;
  readonly #directory: DirectoryAuthenticator;
  readonly #attempts = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(db: Db, cfg: AuthConfig, directory: DirectoryAuthenticator, now: () => number = Date.now) {
    this.#db = db;
    this.#cfg = cfg;
    this.#directory = directory;
    this.#now = now;
  }

  // ---- administrators -------------------------------------------------------------------

  countAdmins(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM admins WHERE disabled = 0').get() as { n: number }).n;
  }

  listAdmins(): AdminAccount[] {
    return (
      this.#db
        .prepare(
          'SELECT id, login, display_name AS displayName, created_at AS createdAt, last_login_at AS lastLoginAt, disabled FROM admins ORDER BY login',
        )
        .all() as (Omit<AdminAccount, 'disabled'> & { disabled: number })[]
    ).map((a) => ({ ...a, disabled: a.disabled === 1 }));
  }

  getAdmin(login: string): AdminAccount | null {
    return this.listAdmins().find((a) => a.login.toLowerCase() === login.toLowerCase()) ?? null;
  }

  async createAdmin(login: string, displayName: string, password: string): Promise<AdminAccount> {
    if (normaliseLogin(login) !== login) {
      throw new AppError('ADMIN_LOGIN_INVALID', 'Identifiant invalide : lettres, chiffres, point, tiret ou souligné (64 caractères au plus).');
    }
    checkAdminPassword(password);
    if (this.getAdmin(login)) throw new AppError('ADMIN_EXISTS', `Un administrateur « ${login} » existe déjà.`, 409);
    const now = new Date(this.#now()).toISOString();
    this.#db
      .prepare('INSERT INTO admins (login, display_name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(login, displayName.trim() || login, await hashPassword(password), now, now);
    return this.getAdmin(login) as AdminAccount;
  }

  async setAdminPassword(login: string, password: string): Promise<void> {
    checkAdminPassword(password);
    const hash = await hashPassword(password);
    const r = this.#db
      .prepare('UPDATE admins SET password_hash = ?, updated_at = ? WHERE login = ?')
      .run(hash, new Date(this.#now()).toISOString(), login);
    if (r.changes === 0) throw new AppError('ADMIN_UNKNOWN', `Administrateur inconnu : ${login}`, 404);
    // a new password ends the account's other sessions
    this.#db.prepare("DELETE FROM sessions WHERE kind = 'admin' AND subject = ?").run(login);
  }

  deleteAdmin(login: string): void {
    const admin = this.getAdmin(login);
    if (!admin) throw new AppError('ADMIN_UNKNOWN', `Administrateur inconnu : ${login}`, 404);
    if (!admin.disabled && this.countAdmins() <= 1) {
      throw new AppError('ADMIN_LAST', 'Impossible de supprimer le dernier administrateur : créez-en un autre d’abord.', 409);
    }
    this.#db.prepare('DELETE FROM admins WHERE id = ?').run(admin.id);
    this.#db.prepare("DELETE FROM sessions WHERE kind = 'admin' AND subject = ?").run(admin.login);
  }

  // ---- login ----------------------------------------------------------------------------

  /** Per-address sliding window; throws 429 when exceeded. */
  checkRate(ip: string): void {
    const now = this.#now();
    const windowMs = this.#cfg.loginRateLimit.windowSeconds * 1000;
    const recent = (this.#attempts.get(ip) ?? []).filter((t) => now - t < windowMs);
    if (recent.length >= this.#cfg.loginRateLimit.max) {
      const retry = Math.ceil((windowMs - (now - (recent[0] as number))) / 1000);
      this.#attempts.set(ip, recent);
      throw new AppError('TOO_MANY_ATTEMPTS', `Trop de tentatives de connexion depuis ce poste. Réessayez dans ${retry} s.`, 429, {
        retryAfter: retry,
      });
    }
    recent.push(now);
    this.#attempts.set(ip, recent);
    if (this.#attempts.size > 10_000) this.#attempts.clear();
  }

  #lockedUntil(login: string): number | null {
    const row = this.#db.prepare('SELECT locked_until FROM login_lockouts WHERE login = ?').get(login) as
      | { locked_until: number | null }
      | undefined;
    return row?.locked_until && row.locked_until > this.#now() ? row.locked_until : null;
  }

  #lockedError(until: number): AppError {
    const minutes = Math.max(1, Math.ceil((until - this.#now()) / 60_000));
    return new AppError(
      'ACCOUNT_LOCKED',
      `Trop d’essais infructueux : ce compte est verrouillé pour ${minutes} minute${minutes > 1 ? 's' : ''}. Réessayez plus tard ou demandez à un autre administrateur.`,
      423,
      { lockedUntil: new Date(until).toISOString() },
    );
  }

  /** Records a failure; returns the lock end when this failure locks the account. */
  #fail(login: string): number | null {
    const now = this.#now();
    const lockMs = this.#cfg.lockout.lockMinutes * 60_000;
    const row = this.#db.prepare('SELECT failures, first_failure_at FROM login_lockouts WHERE login = ?').get(login) as
      | { failures: number; first_failure_at: number }
      | undefined;
    // failures older than one lock period are forgotten
    const failures = row && now - row.first_failure_at < lockMs ? row.failures + 1 : 1;
    const first = row && failures > 1 ? row.first_failure_at : now;
    const lockedUntil = failures >= this.#cfg.lockout.maxFailures ? now + lockMs : null;
    this.#db
      .prepare(
        `INSERT INTO login_lockouts (login, failures, first_failure_at, locked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT (login) DO UPDATE SET failures = excluded.failures, first_failure_at = excluded.first_failure_at,
         locked_until = excluded.locked_until`,
      )
      .run(login, lockedUntil ? 0 : failures, lockedUntil ? now : first, lockedUntil);
    return lockedUntil;
  }

  unlock(login: string): void {
    this.#db.prepare('DELETE FROM login_lockouts WHERE login = ?').run(login);
  }

  async login(rawLogin: string, password: string, ip: string): Promise<LoginResult> {
    this.checkRate(ip);
    const login = normaliseLogin(rawLogin);
    const invalid = new AppError('INVALID_CREDENTIALS', 'Identifiant ou mot de passe incorrect.', 401);
    if (!login || !password) {
      await burnPasswordCheck(password || 'x');
      throw invalid;
    }
    const locked = this.#lockedUntil(login);
    if (locked) throw this.#lockedError(locked);

    const admin = this.#db
      .prepare('SELECT login, display_name, password_hash FROM admins WHERE login = ? AND disabled = 0')
      .get(login) as { login: string; display_name: string; password_hash: string } | undefined;
    let principal: Principal;
    if (admin) {
      if (!(await verifyPassword(password, admin.password_hash))) {
        const until = this.#fail(login);
        throw until ? this.#lockedError(until) : invalid;
      }
      this.#db.prepare('UPDATE admins SET last_login_at = ? WHERE login = ?').run(new Date(this.#now()).toISOString(), admin.login);
      principal = { kind: 'admin', subject: admin.login, displayName: admin.display_name, role: 'administrator' };
    } else {
      const r = await this.#directory.authenticate(login, password);
      switch (r.outcome) {
        case 'ok':
          if (!r.isTeacher) {
            throw new AppError(
              'FORBIDDEN',
              'Ce compte n’a pas accès à la console : elle est réservée aux enseignants et aux administrateurs.',
              403,
            );
          }
          principal = { kind: 'directory', subject: r.login, displayName: r.displayName, role: 'teacher' };
          break;
        case 'unavailable':
          throw new AppError(
            'DC_UNAVAILABLE',
            'L’annuaire ne répond pas pour le moment : la connexion des enseignants est impossible. Réessayez dans une minute.',
            503,
          );
        case 'must-change':
          throw new AppError(
            'PASSWORD_MUST_CHANGE',
            'Votre mot de passe doit être changé : ouvrez d’abord une session sur un ordinateur de l’établissement pour en choisir un nouveau.',
            403,
          );
        case 'expired':
          throw new AppError('PASSWORD_EXPIRED', 'Votre mot de passe a expiré : demandez à l’administrateur de le réinitialiser.', 403);
        case 'disabled':
          throw new AppError('ACCOUNT_DISABLED', 'Ce compte est désactivé : adressez-vous à l’administrateur ENT.', 403);
        case 'locked':
          throw new AppError('ACCOUNT_LOCKED', 'Ce compte est verrouillé par l’annuaire : réessayez plus tard.', 423);
        default: {
          const until = this.#fail(login);
          throw until ? this.#lockedError(until) : invalid;
        }
      }
    }
    this.unlock(login);
    return this.#createSession(principal, ip);
  }

  #createSession(principal: Principal, ip: string): LoginResult {
    const sessionId = randomToken();
    const csrfToken = randomToken(24);
    const now = this.#now();
    const expiresAt = now + this.#cfg.sessionMaxHours * 3_600_000;
    this.#db
      .prepare(
        `INSERT INTO sessions (id_hash, kind, subject, display_name, role, csrf_token, created_at, last_seen_at, expires_at, ip)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(sha256(sessionId), principal.kind, principal.subject, principal.displayName, principal.role, csrfToken, now, now, expiresAt, ip);
    this.#db.prepare('DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?').run(now, now - this.#idleMs());
    return { principal: { ...principal, sessionId: sha256(sessionId), csrfToken }, sessionId, csrfToken, expiresAt };
  }

  #idleMs(): number {
    return this.#cfg.sessionIdleMinutes * 60_000;
  }

  /** Resolves a session cookie; 'expired' when it existed but ran out. */
  sessionPrincipal(sessionId: string): Principal | 'expired' | null {
    const idHash = sha256(sessionId);
    const row = this.#db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as
      | {
          kind: 'admin' | 'directory';
          subject: string;
          display_name: string;
          role: Role;
          csrf_token: string;
          last_seen_at: number;
          expires_at: number;
        }
      | undefined;
    if (!row) return null;
    const now = this.#now();
    if (row.expires_at <= now || now - row.last_seen_at > this.#idleMs()) {
      this.#db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
      return 'expired';
    }
    if (now - row.last_seen_at > 30_000) this.#db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, idHash);
    return {
      kind: row.kind,
      subject: row.subject,
      displayName: row.display_name,
      role: row.role,
      sessionId: idHash,
      csrfToken: row.csrf_token,
    };
  }

  logout(sessionIdHash: string): void {
    this.#db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sessionIdHash);
  }

  // ---- API tokens -----------------------------------------------------------------------

  createToken(name: string, role: Role, createdBy: string): { token: string; info: ApiTokenInfo } {
    const clean = name.trim();
    if (!clean || clean.length > 80) throw new AppError('TOKEN_NAME_INVALID', 'Donnez au jeton un nom de 1 à 80 caractères.');
    const secret = `trs_${randomToken(32)}`;
    const r = this.#db
      .prepare('INSERT INTO api_tokens (name, token_hash, role, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id')
      .get(clean, sha256(secret), role, new Date(this.#now()).toISOString(), createdBy) as { id: number };
    return { token: secret, info: this.getToken(r.id) as ApiTokenInfo };
  }

  getToken(id: number): ApiTokenInfo | null {
    return (
      (this.#db
        .prepare(
          `SELECT id, name, role, created_at AS createdAt, created_by AS createdBy, last_used_at AS lastUsedAt, revoked_at AS revokedAt
           FROM api_tokens WHERE id = ?`,
        )
        .get(id) as ApiTokenInfo | undefined) ?? null
    );
  }

  listTokens(): ApiTokenInfo[] {
    return this.#db
      .prepare(
        `SELECT id, name, role, created_at AS createdAt, created_by AS createdBy, last_used_at AS lastUsedAt, revoked_at AS revokedAt
         FROM api_tokens ORDER BY id`,
      )
      .all() as ApiTokenInfo[];
  }

  revokeToken(id: number): ApiTokenInfo {
    const before = this.getToken(id);
    if (!before) throw new AppError('TOKEN_UNKNOWN', `Jeton inconnu : ${id}`, 404);
    if (!before.revokedAt) {
      this.#db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(new Date(this.#now()).toISOString(), id);
    }
    return this.getToken(id) as ApiTokenInfo;
  }

  tokenPrincipal(token: string): Principal | null {
    if (!token.startsWith('trs_')) return null;
    const row = this.#db
      .prepare('SELECT id, name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL')
      .get(sha256(token)) as { id: number; name: string; role: Role } | undefined;
    if (!row) return null;
    this.#db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(new Date(this.#now()).toISOString(), row.id);
    return { kind: 'token', subject: String(row.id), displayName: row.name, role: row.role };
  }
}

export function checkAdminPassword(password: string): void {
  if (password.length < ADMIN_PASSWORD_MIN) {
    throw new AppError(
      'ADMIN_PASSWORD_WEAK',
      `Le mot de passe d’un administrateur doit compter au moins ${ADMIN_PASSWORD_MIN} caractères (recommandation de la CNIL).`,
    );
  }
  if (password.length > 256) throw new AppError('ADMIN_PASSWORD_WEAK', 'Mot de passe trop long (256 caractères au plus).');
}
