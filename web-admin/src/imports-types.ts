// Shapes of the imports API (/api/v1/imports…, /api/v1/sheets), mirrored from
// daemon/src/imports/model.ts and daemon/src/imports/README.md. Labels are copied as is.
import type { AccountState, Profile } from './directory-types.ts';

/** What a file was recognised as (from its content). */
export type ImportKind = 'siecle' | 'sts' | 'aaf-eleve' | 'aaf-perseducnat' | 'aaf-persreleleve' | 'aaf-etab' | 'aaf-autre' | 'csv';

export const IMPORT_KIND_LABELS: Record<ImportKind, string> = {
  siecle: 'SIECLE — élèves (ElevesSansAdresses)',
  sts: 'STS-Web — enseignants et services (sts_emp)',
  'aaf-eleve': 'AAF — élèves',
  'aaf-perseducnat': 'AAF — personnels de l’Éducation nationale',
  'aaf-persreleleve': 'AAF — responsables (ignorés : pas de compte local pour les parents)',
  'aaf-etab': 'AAF — établissement',
  'aaf-autre': 'AAF — nomenclature (ignorée)',
  csv: 'Fichier CSV',
};

export type ImportMode = 'update' | 'rollover';

export const IMPORT_MODE_LABELS: Record<ImportMode, string> = {
  update: 'Mise à jour en cours d’année',
  rollover: 'Rentrée (bascule d’année)',
};

export type ImportState = 'draft' | 'analysed' | 'applying' | 'interrupted' | 'applied' | 'failed';

export const IMPORT_STATE_LABELS: Record<ImportState, string> = {
  draft: 'Brouillon',
  analysed: 'Analysé',
  applying: 'En cours',
  interrupted: 'Interrompu',
  applied: 'Appliqué',
  failed: 'Échec',
};

export const IMPORT_STATE_TONES: Record<ImportState, string> = {
  draft: 'neutral',
  analysed: 'info',
  applying: 'info',
  interrupted: 'warning',
  applied: 'success',
  failed: 'danger',
};

export type DiffAction = 'create' | 'update' | 'move' | 'disable' | 'reactivate' | 'unchanged' | 'ambiguous' | 'error' | 'ignored';

export const DIFF_ACTION_LABELS: Record<DiffAction, string> = {
  create: 'À créer',
  update: 'Noms à corriger',
  move: 'Changements de classe',
  disable: 'À désactiver (départs)',
  reactivate: 'À réactiver',
  unchanged: 'Inchangés',
  ambiguous: 'Cas à trancher',
  error: 'Erreurs',
  ignored: 'Ignorés',
};

/** One item's action, as a badge in the table. */
export const DIFF_ACTION_ITEM_LABELS: Record<DiffAction, string> = {
  create: 'Création',
  update: 'Correction du nom',
  move: 'Changement de classe',
  disable: 'Départ',
  reactivate: 'Réactivation',
  unchanged: 'Inchangé',
  ambiguous: 'À trancher',
  error: 'Erreur',
  ignored: 'Ignoré',
};

export const DIFF_ACTION_TONES: Record<DiffAction, string> = {
  create: 'success',
  update: 'info',
  move: 'info',
  disable: 'danger',
  reactivate: 'success',
  unchanged: 'neutral',
  ambiguous: 'warning',
  error: 'danger',
  ignored: 'neutral',
};

/** The count cards of the differences step, in this order ("ignored" only when non-zero). */
export const DIFF_ACTIONS: DiffAction[] = ['create', 'update', 'move', 'disable', 'reactivate', 'unchanged', 'ambiguous', 'error', 'ignored'];

/** A problem with one record of a file (French message). */
export interface RecordIssue {
  file: string;
  where: string;
  message: string;
  key?: string;
}

export interface ImportFile {
  name: string;
  kind: ImportKind;
  label: string;
  uai: string | null;
  year: string | null;
  complete: boolean;
  persons: number;
  classes: number;
  errors: RecordIssue[];
  warnings: RecordIssue[];
  ignored: { reason: string; count: number }[];
}

export interface DiffSummary {
  counts: Record<DiffAction, number>;
  classes: { create: string[]; remove: string[] };
  teams: number;
  groups?: { set: number; remove: string[] };
  profiles: Profile[];
  untouchedManual: number;
  unresolved: number;
  graceDays: number;
}

export interface ImportProgress {
  phase: string;
  label: string;
  done: number;
  total: number;
}

export interface ImportReport {
  operations: number;
  done: number;
  failed: number;
  created: number;
  passwords: number;
}

export interface ImportRun {
  id: number;
  mode: ImportMode;
  state: ImportState;
  createdAt: string;
  createdBy: string;
  appliedAt: string | null;
  files: ImportFile[];
  diff: DiffSummary | null;
  progress: ImportProgress | null;
  report: ImportReport | null;
  error: string | null;
}

export interface Candidate {
  login: string;
  displayName: string;
  classe: string | null;
  state: AccountState;
  birthDate: string | null;
}

export type ChangedField = 'givenName' | 'surname' | 'classe' | 'state' | 'staffFunction';

export const CHANGED_FIELD_LABELS: Record<ChangedField, string> = {
  givenName: 'Prénom',
  surname: 'Nom',
  classe: 'Classe',
  state: 'État',
  staffFunction: 'Fonction',
};

export interface FieldChange {
  field: ChangedField;
  from: string | null;
  to: string | null;
}

export interface DiffItem {
  key: string;
  actions: DiffAction[];
  login: string | null;
  profile: Profile;
  displayName: string;
  classe: string | null;
  changes: FieldChange[];
  reason: string | null;
  candidates: Candidate[];
  where: string | null;
  file: string | null;
}

export interface DiffItemPage {
  total: number;
  page: number;
  pageSize: number;
  items: DiffItem[];
}

/** Socket.io `import.progress` (counts only). */
export interface ImportProgressEvent extends ImportProgress {
  id: number;
  state: ImportState;
}

/** POST /api/v1/sheets → application/pdf. */
export interface SheetsRequest {
  classe?: string;
  group?: string;
  logins?: string[];
  importId?: number;
  resetMissing?: boolean;
}
