// Shapes of the shares API (/api/v1/shares…) and of the homework API (/api/v1/homework…),
// mirrored from daemon/src/shares/{service,layout,clients}.ts and daemon/src/homework/service.ts.
import type { Profile } from './directory-types.ts';

// ---- shares ------------------------------------------------------------------------------

export type QuotaMode = 'filesystem' | 'report';

/** POST /shares/reconcile, and `last` of GET /shares. Messages are French, from the daemon. */
export interface ReconcileReport {
  at: string;
  ms: number;
  foldersCreated: number;
  aclsWritten: number;
  windowsPathsChanged: number;
  confChanged: boolean;
  warnings: string[];
  errors: string[];
}

export interface ShareInfo {
  name: string;
  /** \\serveur\perso */
  unc: string;
  description: string;
}

/** GET /shares */
export interface SharesStatus {
  enabled: boolean;
  /** Whether smb.conf includes Trousse's shares file (false when disabled). */
  included: boolean;
  includeFile: string;
  serverName: string;
  homeRoot: string;
  root: string;
  quota: { mode: QuotaMode; detail: string };
  shares: ShareInfo[];
  last: ReconcileReport | null;
}

export interface QuotaLimits {
  softMb: number;
  hardMb: number;
}

/** GET|PUT /shares/settings (a PUT changes only the keys it sends). */
export interface ShareSettings {
  quotas: Record<Profile, QuotaLimits>;
  roamingProfiles: Record<Profile, boolean>;
  /** "H:" (D: to Z:). */
  homeDrive: string;
  /** Names (sAMAccountName) of the groups that get a share of their own. */
  groupShares: string[];
}

export type QuotaState = 'ok' | 'soft' | 'hard';

export interface QuotaLine {
  login: string;
  displayName: string;
  profile: Profile;
  usedBytes: number;
  homeBytes: number;
  profileBytes: number;
  softBytes: number;
  hardBytes: number;
  /** A particular quota (not the profile's). */
  custom: boolean;
  state: QuotaState;
  /** null: never measured. */
  measuredAt: string | null;
}

/** GET /shares/quotas?over=true */
export interface QuotaList {
  mode: QuotaMode;
  detail: string;
  items: QuotaLine[];
}

/** POST /shares/quotas/measure */
export interface MeasureResult {
  measured: number;
  over: number;
}

/** GET /shares/profiles (largest first). */
export interface ProfileLine {
  login: string;
  displayName: string | null;
  /** alice.V6 … */
  folders: { name: string; bytes: number }[];
  bytes: number;
}

export interface FolderRedirection {
  /** French label ("Bureau"). */
  folder: string;
  /** Name in GPMC ("Desktop"). */
  knownFolder: string;
  /** UNC target. */
  target: string;
}

/** GET /shares/windows (values of the GPO). */
export interface WindowsSettings {
  homeDirectoryPattern: string;
  homeDrive: string;
  profilePathPattern: string;
  redirections: FolderRedirection[];
  excludeProfileDirs: string[];
}

export type LinuxClientFile = 'sssd.conf' | 'pam_mount.conf.xml';

/** POST /shares/clients/check: `sssctl config-check` of the generated sssd.conf; null without sssctl. */
export interface SssdCheck {
  ok: boolean;
  output: string;
}

// ---- homework ----------------------------------------------------------------------------

export type HomeworkMode = 'lecture' | 'copie';
export type TargetKind = 'classe' | 'groupe' | 'eleve';

export interface Target {
  kind: TargetKind;
  name: string;
}

export interface HomeworkCounts {
  pupils: number;
  handedOut: number;
  failed: number;
  collected: number;
  late: number;
  returned: number;
}

export interface HomeworkSummary {
  id: number;
  title: string;
  /** The folder name (the title as a folder name); the confirmation word of DELETE. */
  folder: string;
  teacher: string;
  mode: HomeworkMode;
  source: string;
  dueAt: string | null;
  targets: Target[];
  createdAt: string;
  handedOutAt: string | null;
  collectedAt: string | null;
  returnedAt: string | null;
  counts: HomeworkCounts;
  /** One French line: « distribué à 28/28 », « ramassé 25/28 (2 en retard) », « rendu à 25 ». */
  state: string;
  files: number;
  bytes: number;
}

export type HandoutState = 'ok' | 'error' | string;
export type CollectState = 'collected' | 'empty' | 'missing' | 'error';
export type ReturnState = 'returned' | 'nothing' | 'missing' | 'error';

export interface HomeworkPupil {
  login: string;
  /** Always null in the current daemon. */
  displayName: string | null;
  /** The class or group the pupil was reached through. */
  group: string;
  handout: { state: HandoutState; error: string | null };
  collect: {
    state: CollectState | null;
    files: number | null;
    bytes: number | null;
    lastModified: string | null;
    late: boolean;
    error: string | null;
  };
  returned: ReturnState | null;
}

export interface HomeworkDetail extends HomeworkSummary {
  pupils: HomeworkPupil[];
}

/** POST /homework */
export interface NewHomework {
  title: string;
  /** Relative to the teacher's home ("Documents/TP 3"). */
  source: string;
  targets: Target[];
  mode: HomeworkMode;
  dueAt?: string | null;
  /** Administrators only: whose home holds the source. */
  teacher?: string;
}

/** GET /homework/browse?path=&teacher= */
export interface BrowseAnswer {
  path: string;
  entries: { name: string; dir: boolean; size: number }[];
}
