/**
 * What every reader shares: errors, text cleaning, dates, places in a file, staff functions and the
 * ParsedFile being built (duplicates, issues, ignored records, the final "nobody in it" check).
 */
import { AppError } from '../../core/errors.ts';
import { transliterate } from '../../directory/logins.ts';
import type { Profile, StaffFunction } from '../../directory/model.ts';
import type { ImportKind, ImportedPerson, ParsedFile, RecordIssue, Where } from '../model.ts';

/** What the readers are told about the file and the school. */
export interface ReaderContext {
  /** The display name (ParsedFile.name). */
  name: string;
  expectedUai: string;
  /** YYYY-MM-DD. */
  today: string;
}

export function importError(code: string, name: string, message: string): AppError {
  return new AppError(code, `« ${name} » : ${message}`, 400);
}

/** 1204 → "1 204" (French grouping). */
export function fmtInt(n: number): string {
  return n.toLocaleString('fr-FR');
}

export function lineWhere(line: number): Where {
  return `ligne ${fmtInt(line)}`;
}

export function elementWhere(element: string, n: number, line: number): Where {
  return `élément ${element} n° ${fmtInt(n)} (ligne ${fmtInt(line)})`;
}

/** NFC, trimmed, internal whitespace collapsed to one space. */
export function clean(s: string | null | undefined): string {
  if (!s) return '';
  return s.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** "Dupont|Élodie|2012-03-04" → "dupont|elodie|2012-03-04": a stable key from names. */
export function asciiKey(s: string): string {
  return transliterate(s).toLowerCase().replace(/[^\x20-\x7e]/g, '');
}

export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export type DateResult = { date: string | null; error?: undefined } | { date?: undefined; error: string };

const FR_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date as the files write it: dd/mm/yyyy, or yyyy-mm-dd when `iso` is allowed (STS, CSV).
 * Empty → null. `what` names the field in messages ("date de naissance").
 */
export function parseDate(raw: string, what: string, iso: boolean): DateResult {
  const s = clean(raw);
  if (s === '') return { date: null };
  let d: number;
  let m: number;
  let y: number;
  const fr = FR_DATE.exec(s);
  const is = iso ? ISO_DATE.exec(s) : null;
  if (fr) {
    d = Number(fr[1]);
    m = Number(fr[2]);
    y = Number(fr[3]);
  } else if (is) {
    y = Number(is[1]);
    m = Number(is[2]);
    d = Number(is[3]);
  } else {
    const expected = iso ? 'jj/mm/aaaa ou aaaa-mm-jj' : 'jj/mm/aaaa';
    return { error: `${what} « ${s} » illisible : le format attendu est ${expected}.` };
  }
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    return { error: `${what} « ${s} » impossible : ce jour n’existe pas.` };
  }
  if (y < 1900 || y > 2100) return { error: `${what} « ${s} » invraisemblable (année ${y}).` };
  return { date: `${y}-${pad2(m)}-${pad2(d)}` };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** YYYY-MM-DD → DD/MM/YYYY, for messages. */
export function frDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

export const UAI_RE = /^\d{7}[A-Z]$/;

/** INE (identifiant national élève): 10 digits + letter, or 9 digits + 2 letters (INE-RNIE). */
export const INE_RE = /^(?:\d{10}[A-Z]|\d{9}[A-Z]{2})$/;

/** Refuses a file that declares another school's UAI (no check when either side is unknown). */
export function checkUai(ctx: ReaderContext, declared: string | null): void {
  const expected = clean(ctx.expectedUai).toUpperCase();
  if (!declared || !expected || declared === expected) return;
  throw importError(
    'IMPORT_WRONG_SCHOOL',
    ctx.name,
    `ce fichier est celui d’un autre établissement (UAI ${declared}) ; Trousse est configuré pour ${expected}. Vérifiez que vous avez exporté les données de votre établissement.`,
  );
}

/** A function code of the national directories (STS FONCTION, AAF ENTPersonFonctions). */
export function functionFromCode(code: string): { profile: Profile; staffFunction: StaffFunction | null } | null {
  switch (code.toUpperCase()) {
    case 'ENS':
      return { profile: 'enseignant', staffFunction: null };
    case 'DIR':
      return { profile: 'personnel', staffFunction: 'direction' };
    case 'EDU':
    case 'CPE':
    case 'SUR':
    case 'AED':
      return { profile: 'personnel', staffFunction: 'vie-scolaire' };
    case 'DOC':
      return { profile: 'personnel', staffFunction: 'documentation' };
    case 'ADM':
    case 'ADF':
    case 'SEC':
    case 'INT':
      return { profile: 'personnel', staffFunction: 'administration' };
    case 'INF':
    case 'ASS':
    case 'COP':
    case 'PSY':
      return { profile: 'personnel', staffFunction: 'sante-social' };
    case 'OUV':
    case 'LAB':
    case 'ALB':
      return { profile: 'personnel', staffFunction: 'agent' };
    default:
      return null;
  }
}

const PERSON_KINDS: ReadonlySet<ImportKind> = new Set(['siecle', 'sts', 'aaf-eleve', 'aaf-perseducnat', 'csv']);

/** What a reader gives for one person before the builder checks it. */
export type PersonInput = Omit<ImportedPerson, 'file' | 'otherIds' | 'groups' | 'teaches' | 'subjects' | 'staffFunction' | 'left' | 'leftOn' | 'classe'> &
  Partial<Pick<ImportedPerson, 'otherIds' | 'groups' | 'teaches' | 'subjects' | 'staffFunction' | 'left' | 'leftOn' | 'classe'>>;

/** A ParsedFile under construction. */
export class FileBuilder {
  readonly file: ParsedFile;
  readonly classes = new Set<string>();
  private readonly ids = new Map<string, Where>();
  private readonly ignoredCounts = new Map<string, number>();

  constructor(name: string, kind: ImportKind) {
    this.file = {
      name,
      kind,
      uai: null,
      year: null,
      exportDate: null,
      complete: true,
      persons: [],
      classes: [],
      ignored: [],
      errors: [],
      warnings: [],
    };
  }

  error(where: Where, message: string, key?: string): void {
    this.file.errors.push(issue(this.file.name, where, message, key));
  }

  warn(where: Where, message: string, key?: string): void {
    this.file.warnings.push(issue(this.file.name, where, message, key));
  }

  ignore(reason: string, n = 1): void {
    this.ignoredCounts.set(reason, (this.ignoredCounts.get(reason) ?? 0) + n);
  }

  /**
   * Checks names and duplicate ids, then keeps the person; a bad record becomes an error.
   * Empty names are accepted only for someone who has left (an AAF deleteRequest carries none).
   */
  addPerson(p: PersonInput): boolean {
    const missing: string[] = [];
    if (!p.surname && !p.left) missing.push('le nom');
    if (!p.givenName && !p.left) missing.push('le prénom');
    if (missing.length > 0) {
      this.error(p.where, `${missing.join(' et ')} ${missing.length > 1 ? 'manquent' : 'manque'} : complétez la fiche dans le logiciel d’origine puis exportez de nouveau.`, p.key);
      return false;
    }
    const otherIds = [...new Set(p.otherIds ?? [])].filter((id) => id !== p.key);
    for (const id of [p.key, ...otherIds]) {
      const first = this.ids.get(id);
      if (first !== undefined) {
        this.error(p.where, `l’identifiant ${id} apparaît déjà plus haut (${first}) : ce doublon est écarté. Corrigez le fichier d’origine.`, p.key);
        return false;
      }
    }
    for (const id of [p.key, ...otherIds]) this.ids.set(id, p.where);
    this.file.persons.push({
      key: p.key,
      otherIds,
      profile: p.profile,
      givenName: p.givenName,
      surname: p.surname,
      birthDate: p.birthDate,
      classe: p.classe ?? null,
      groups: sortedUnique(p.groups ?? []),
      teaches: sortedUnique(p.teaches ?? []),
      subjects: sortedUnique(p.subjects ?? []),
      staffFunction: p.staffFunction ?? null,
      left: p.left ?? false,
      leftOn: p.leftOn ?? null,
      where: p.where,
      file: this.file.name,
    });
    return true;
  }

  /** The file, with its classes and ignored counts; refuses a person file with nobody in it. */
  finish(): ParsedFile {
    const f = this.file;
    f.classes = sortedUnique([...this.classes]);
    f.ignored = [...this.ignoredCounts].map(([reason, count]) => ({ reason, count }));
    if (PERSON_KINDS.has(f.kind) && f.complete && f.persons.length === 0 && f.errors.length === 0) {
      const ignored = f.ignored.reduce((n, i) => n + i.count, 0);
      throw importError(
        'IMPORT_EMPTY',
        f.name,
        ignored > 0
          ? `aucune personne à importer : les ${fmtInt(ignored)} enregistrements lus sont tous ignorés (${f.ignored.map((i) => i.reason).join(' ; ')}).`
          : 'aucune personne à importer dans ce fichier. Vérifiez que l’export n’est pas vide.',
      );
    }
    return f;
  }
}

function issue(file: string, where: Where, message: string, key: string | undefined): RecordIssue {
  return key === undefined ? { file, where, message } : { file, where, message, key };
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ''))].sort((a, b) => a.localeCompare(b, 'fr', { numeric: true }));
}
