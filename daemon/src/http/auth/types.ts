export type Role = 'administrator' | 'teacher';

/** Who is making a request. */
export interface Principal {
  kind: 'admin' | 'directory' | 'token';
  /** Admin login, directory login, or token id. */
  subject: string;
  displayName: string;
  role: Role;
  /** Session-authenticated requests only. */
  sessionId?: string;
  csrfToken?: string;
}

/** "admin:alice", "teacher:jdupont", "token:3": the actor string stored in the audit log. */
export function actorOf(p: Principal | null): string {
  if (!p) return 'anonyme';
  if (p.kind === 'token') return `token:${p.subject}`;
  return `${p.kind === 'admin' ? 'admin' : p.role}:${p.subject}`;
}

/** The directory side of a login: implemented by the DC capability, injected into auth. */
export interface DirectoryAuthenticator {
  authenticate(
    login: string,
    password: string,
  ): Promise<
    | { outcome: 'ok'; login: string; displayName: string; isTeacher: boolean }
    | { outcome: 'invalid' | 'must-change' | 'expired' | 'disabled' | 'locked' | 'unavailable' }
  >;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** Set when a handler wrote its own audit entry (the generic one is then skipped). */
    audited: boolean;
  }
  interface FastifyContextConfig {
    /** Reachable without authentication. */
    public?: boolean;
    /** Roles allowed (default: administrator only). */
    roles?: Role[];
  }
}
