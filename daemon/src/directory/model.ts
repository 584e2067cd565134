/** The directory's vocabulary: profiles, staff functions, states, group kinds and what the API returns. */

export const PROFILES = ['eleve', 'enseignant', 'personnel'] as const;
export type Profile = (typeof PROFILES)[number];

export const PROFILE_LABELS: Record<Profile, string> = {
  eleve: 'Élève',
  enseignant: 'Enseignant',
  personnel: 'Personnel',
};

/** Functions of non-teaching staff (stored as the account's `title`). */
export const STAFF_FUNCTIONS = ['direction', 'vie-scolaire', 'administration', 'agent', 'documentation', 'sante-social', 'autre'] as const;
export type StaffFunction = (typeof STAFF_FUNCTIONS)[number];

export const STAFF_FUNCTION_LABELS: Record<StaffFunction, string> = {
  direction: 'Direction',
  'vie-scolaire': 'Vie scolaire',
  administration: 'Administration',
  agent: 'Agent',
  documentation: 'Documentation (CDI)',
  'sante-social': 'Santé et social',
  autre: 'Autre',
};

export type AccountState = 'active' | 'disabled' | 'deleted';
export type GroupKind = 'classe' | 'equipe' | 'profil' | 'groupe' | 'libre';

export const GROUP_KIND_LABELS: Record<GroupKind, string> = {
  classe: 'Classe',
  equipe: 'Équipe pédagogique',
  profil: 'Profil',
  groupe: 'Groupe de la structure (import)',
  libre: 'Groupe libre',
};

/** National id sources (the prefix of `employeeNumber`). */
export const NATIONAL_ID_SOURCES = ['SIECLE', 'INE', 'STS', 'AAF', 'CSV'] as const;

export interface UserSummary {
  login: string;
  givenName: string;
  surname: string;
  displayName: string;
  profile: Profile;
  staffFunction: StaffFunction | null;
  classe: string | null;
  state: AccountState;
  uidNumber: number;
  nationalId: string | null;
}

export interface UserGroupRef {
  name: string;
  kind: GroupKind;
  label: string;
}

export interface UserDetail extends UserSummary {
  groups: UserGroupRef[];
  createdAt: string | null;
  lastLogonAt: string | null;
  mustChangePassword: boolean;
  deletedAt: string | null;
  purgeAfter: string | null;
  initialPasswordKept: boolean;
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

export interface GroupSummary {
  name: string;
  kind: GroupKind;
  label: string;
  description: string;
  members: number;
  gidNumber: number | null;
}

export interface GroupDetail extends GroupSummary {
  members: number;
  memberList: UserSummary[];
}

export interface NewUser {
  givenName: string;
  surname: string;
  profile: Profile;
  staffFunction?: StaffFunction | null;
  classe?: string | null;
  nationalId?: string | null;
  /** An explicit login (otherwise generated from the names and the scheme). */
  login?: string | null;
  /** An explicit initial password (otherwise generated for the profile). */
  password?: string | null;
  mustChange?: boolean | null;
}

export interface UserChanges {
  givenName?: string;
  surname?: string;
  staffFunction?: StaffFunction | null;
  nationalId?: string | null;
}

export interface ListQuery {
  q?: string;
  profile?: Profile;
  classe?: string;
  group?: string;
  state?: AccountState | 'all';
  page?: number;
  pageSize?: number;
  sort?: 'name' | 'login' | 'classe';
}

export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

/** Who asks: administrators see everything; a teacher only the pupils of their classes. */
export interface Actor {
  role: 'administrator' | 'teacher';
  /** The teacher's login (directory sessions), or the admin/token subject. */
  login: string;
  /** "admin:alice", "teacher:jdupont"… for the audit log. */
  name: string;
}

/** The accounts, classes and groups the file shares are built from (see DirectoryService.shareView). */
export interface ShareView {
  users: {
    login: string;
    displayName: string;
    uidNumber: number;
    profile: Profile;
    classe: string | null;
    state: AccountState;
    homeDirectory: string;
    homeDrive: string;
    profilePath: string;
  }[];
  classes: { name: string; slug: string; group: string; teamGroup: string | null; pupils: string[]; teachers: string[] }[];
  groups: { name: string; kind: GroupKind; label: string; members: string[] }[];
  profileGroups: Record<Profile, string>;
}

/** What Windows PCs read on an account (null profilePath: no roaming profile). */
export interface WindowsPaths {
  login: string;
  homeDirectory: string;
  homeDrive: string;
  profilePath: string | null;
}
