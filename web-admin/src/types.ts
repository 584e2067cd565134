// Shapes of the daemon's JSON API (see /api/v1/*).

export type Role = 'administrator' | 'teacher';

export interface User {
  login: string;
  displayName: string;
  role: Role;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export type DcState = 'provisioning' | 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

export interface SchoolInfo {
  uai: string;
  name: string;
  dnsDomain: string;
  realm: string;
  netbiosName: string;
}

export interface DcStatus {
  state: DcState;
  managed: boolean;
  pid: number | null;
  since: string | null;
  restarts: number;
  lastError: string | null;
  ldaps: boolean;
  lastCheckAt: string | null;
}

export interface DiskStatus {
  mount: string;
  label: string;
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
}

export interface SystemStatus {
  school: SchoolInfo;
  dc: DcStatus;
  disks: DiskStatus[];
  versions: { trousse: string | null; node: string | null; samba: string | null };
  ready: { ok: boolean; reasons: string[] };
  uptimeSeconds: number;
}

export type EventLevel = 'info' | 'warn' | 'error';

export interface AppEvent {
  id: number;
  at: string;
  level: EventLevel;
  source: string;
  type: string;
  message: string;
}
