/**
 * The vocabulary of imports, shared by the readers (files → ParsedFile), the diff (ParsedFile[] +
 * directory → ImportDiff) and the service (journaled apply). Readers know nothing of the directory.
 */
import type { Profile, StaffFunction } from '../directory/model.ts';

/** What a file was recognised as (from its content, never from its name alone). */
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

/** A place in a file, in French, for messages: "ligne 12", "élément ELEVE n° 34 (ligne 1 204)". */
export type Where = string;

/** One person as a file describes them, normalised. */
export interface ImportedPerson {
  /**
   * The person's primary stable id in the file, as SOURCE:value — `SIECLE:<ELEVE_ID>`,
   * `STS:<INDIVIDU@ID>`, `AAF:<ENTPersonJointure>`, `CSV:<id column>` (CSV rows without an id
   * column get `CSV:` + a key built from names and date of birth).
   */
  key: string;
  /** Other stable ids of the same person, same form: `INE:<ID_NATIONAL>`, `SIECLE:<ELENOET>`… */
  otherIds: string[];
  profile: Profile;
  givenName: string;
  surname: string;
  /** YYYY-MM-DD, or null when the file has none. */
  birthDate: string | null;
  /** Pupils: the class (division) name as in the file, e.g. "6A". */
  classe: string | null;
  /** Pupils: groups (SIECLE STRUCTURE type G, AAF ENTEleveGroupes); kept for information. */
  groups: string[];
  /** Teachers: the classes they teach (STS services, AAF ENTAuxEnsClassesMatieres/ENTAuxEnsClasses). */
  teaches: string[];
  /** Teachers: subjects, as labels when the file has them ("MATHEMATIQUES"). */
  subjects: string[];
  /** Staff other than teachers: the function. Null for pupils and teachers. */
  staffFunction: StaffFunction | null;
  /** Left the school: SIECLE DATE_SORTIE on or before the export date, AAF deleteRequest. */
  left: boolean;
  /** YYYY-MM-DD of leaving, when known. */
  leftOn: string | null;
  /** Where the record is in its file. */
  where: Where;
  /** The file it comes from (ParsedFile.name). */
  file: string;
}

/** A problem with one record: the record is left out and listed; the rest of the file is read. */
export interface RecordIssue {
  file: string;
  where: Where;
  /** French, says what is wrong and what to do. */
  message: string;
  /** The person's key when one could be read. */
  key?: string;
}

export interface ParsedFile {
  /** The name the administrator gave (upload or CLI argument), for display. */
  name: string;
  kind: ImportKind;
  /** The UAI the file declares (SIECLE/STS PARAMETRES/UAJ, AAF ENTPersonStructRattach/etab UAI), upper case. */
  uai: string | null;
  /** The school year the file declares (SIECLE/STS ANNEE_SCOLAIRE, e.g. "2026"), or null. */
  year: string | null;
  /** Export date YYYY-MM-DD (SIECLE DATE_EXPORT/HORODATAGE), used to decide who has left. */
  exportDate: string | null;
  /** AAF: "Complet" or "Delta"; every other kind is a complete export. */
  complete: boolean;
  persons: ImportedPerson[];
  /** Class (division) names the file declares, even without pupils (STS DIVISIONS, SIECLE type D). */
  classes: string[];
  /** Records read and deliberately left out (parents, "Inactifs", nomenclatures…), by reason. */
  ignored: { reason: string; count: number }[];
  errors: RecordIssue[];
  warnings: RecordIssue[];
}

/** Limits the readers enforce (bytes). */
export const IMPORT_LIMITS = {
  /** Largest file accepted, zipped or not (a 10,000-pupil SIECLE file is about 12 MB). */
  maxFileBytes: 64 * 1024 * 1024,
  /** Largest uncompressed member of a zip. */
  maxUncompressedBytes: 200 * 1024 * 1024,
  /** Largest compression ratio of a zip member (XML compresses about 10:1; bombs 1000:1). */
  maxZipRatio: 100,
  /** Longest text in one XML element or CSV field. */
  maxTextLength: 4096,
  /** Deepest XML nesting. */
  maxDepth: 32,
} as const;

// ---- the diff ---------------------------------------------------------------------------------

export type ImportMode = 'update' | 'rollover';

export const IMPORT_MODE_LABELS: Record<ImportMode, string> = {
  update: 'Mise à jour en cours d’année',
  rollover: 'Rentrée (bascule d’année)',
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

export interface Candidate {
  login: string;
  displayName: string;
  classe: string | null;
  state: 'active' | 'disabled' | 'deleted';
  birthDate: string | null;
}

export interface FieldChange {
  field: 'givenName' | 'surname' | 'classe' | 'state' | 'staffFunction';
  from: string | null;
  to: string | null;
}

/** One person of the import (or one account, for departures) and what applying does to them. */
export interface DiffItem {
  /** The person's key (ImportedPerson.key), or `login:<login>` for an account absent from the files. */
  key: string;
  /** Every action on this person; `unchanged`, `ambiguous`, `error` and `ignored` come alone. */
  actions: DiffAction[];
  login: string | null;
  profile: Profile;
  displayName: string;
  /** The class after applying (pupils). */
  classe: string | null;
  changes: FieldChange[];
  /** Why (French): "a quitté l’établissement le 12/03/2027", "absent des fichiers de la rentrée"… */
  reason: string | null;
  /** Ambiguous: the accounts it could be. */
  candidates: Candidate[];
  where: Where | null;
  file: string | null;
}

export interface TeamChange {
  classe: string;
  /** Teachers' logins after applying; keys of teachers still to create are resolved at apply time. */
  teachers: { key: string; login: string | null; displayName: string }[];
  added: string[];
  removed: string[];
}

/** A group of the files' structure (SIECLE STRUCTURE type G, AAF groups) to create or update. */
export interface GroupChange {
  /** The group's code in the files ("LATIN", "6BILANGUE"). */
  label: string;
  members: { key: string; login: string | null }[];
  added: string[];
  removed: string[];
}

export interface ImportDiff {
  mode: ImportMode;
  counts: Record<DiffAction, number>;
  items: DiffItem[];
  classes: { create: string[]; remove: string[] };
  teams: TeamChange[];
  /** Groups to set, and (rollover) the names of imported groups the files no longer have. */
  groups: { set: GroupChange[]; remove: string[] };
  /** Profiles the files cover (the rollover only retires accounts of these). */
  profiles: Profile[];
  /** Accounts left alone because nothing identifies them as imported (created by hand). */
  untouchedManual: number;
}
