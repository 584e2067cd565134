// Shapes of the directory API (/api/v1/directory/*), mirror of daemon/src/directory/README.md.

export type Profile = 'eleve' | 'enseignant' | 'personnel';
export type AccountState = 'active' | 'disabled' | 'deleted';
/** Query value of GET /directory/users?state= (absent: all but deleted). */
export type StateFilter = AccountState | 'all';
export type GroupKind = 'profil' | 'classe' | 'equipe' | 'groupe' | 'libre';
export type UserSort = 'name' | 'login' | 'classe';

export const STAFF_FUNCTIONS = [
  'direction',
  'vie-scolaire',
  'administration',
  'agent',
  'documentation',
  'sante-social',
  'autre',
] as const;
export type StaffFunction = (typeof STAFF_FUNCTIONS)[number];

export interface UserSummary {
  login: string;
  givenName: string;
  surname: string;
  displayName: string;
  profile: Profile;
  /** Staff function code (staff only). */
  staffFunction: string | null;
  classe: string | null;
  state: AccountState;
  uidNumber: number;
  /** "SOURCE:value" (SIECLE, INE, STS, AAF…); always null for a teacher's eyes. */
  nationalId: string | null;
}

export interface UserGroupRef {
  name: string;
  kind: GroupKind;
  label: string;
}

export interface DirectoryUser extends UserSummary {
  groups: UserGroupRef[];
  createdAt: string | null;
  lastLogonAt: string | null;
  mustChangePassword: boolean;
  deletedAt: string | null;
  purgeAfter: string | null;
  initialPasswordKept: boolean;
}

export interface UserList {
  total: number;
  page: number;
  pageSize: number;
  items: UserSummary[];
}

export interface UserQuery {
  q?: string;
  profile?: Profile;
  classe?: string;
  group?: string;
  state?: StateFilter;
  page?: number;
  pageSize?: number;
  sort?: UserSort;
}

export interface CreateUserBody {
  givenName: string;
  surname: string;
  profile: Profile;
  staffFunction?: string;
  classe?: string;
  nationalId?: string;
  login?: string;
  password?: string;
  mustChange?: boolean;
}

export interface CreatedUser {
  user: DirectoryUser;
  /** The initial password, shown once. */
  password: string;
}

export interface UpdateUserBody {
  givenName?: string;
  surname?: string;
  staffFunction?: string | null;
  nationalId?: string | null;
}

export interface PasswordResetBody {
  password?: string;
  mustChange?: boolean;
}

export interface ClassSummary {
  name: string;
  slug: string;
  pupils: number;
  teachers: UserSummary[];
}

export interface ClassDetail {
  name: string;
  slug: string;
  pupils: UserSummary[];
  teachers: UserSummary[];
}

export interface InitialPassword {
  login: string;
  displayName: string;
  password: string;
}

export interface GroupSummary {
  name: string;
  kind: GroupKind;
  /** The kind's French label ("Classe"…), not the group's own. */
  label: string;
  /** What the group is, in French ("Élèves de la classe 6e A"); the best title to show. */
  description: string | null;
  members: number;
  gidNumber: number | null;
}

/**
 * GET /directory/groups/:name as answered. The README says "group + members: UserSummary[]";
 * the daemon answers `members` (the count) and `memberList`. Both are accepted (see toGroupDetail).
 */
export interface GroupDetailAnswer extends Omit<GroupSummary, 'members'> {
  members: number | UserSummary[];
  memberList?: UserSummary[];
}

/** A group with its members listed (what the console shows). */
export interface GroupDetail extends Omit<GroupSummary, 'members'> {
  members: UserSummary[];
}

export function toGroupDetail(answer: GroupDetailAnswer): GroupDetail {
  const members = Array.isArray(answer.members) ? answer.members : (answer.memberList ?? []);
  const { memberList: _list, ...group } = answer;
  return { ...group, members };
}

export interface PasswordPolicy {
  /** Pupils: 4…32. */
  minLength: number;
  /** Teachers and staff: 8…64. */
  staffMinLength: number;
  complexity: boolean;
  /** 0…24. */
  historyLength: number;
  /** 0 = never expires; 0…999. */
  maxAgeDays: number;
  /** 0 = no lockout; 0…999. */
  lockoutThreshold: number;
  /** 1…1440. */
  lockoutMinutes: number;
}

export interface DirectorySettings {
  /** Tokens {prenom} {nom} {p} {n}, separators . - _ */
  loginScheme: string;
  /** 6…32. */
  pupilPasswordLength: number;
  /** 12…64. */
  staffPasswordLength: number;
  mustChangePassword: Record<Profile, boolean>;
  /** 0 = never kept; 0…365. */
  keepInitialPasswordsDays: number;
  /** 0…90. */
  deletionGraceDays: number;
  policy: PasswordPolicy;
}
