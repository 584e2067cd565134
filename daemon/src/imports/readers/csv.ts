/**
 * CSV files made by hand or by a spreadsheet: one header line (recognised by aliases, or mapped
 * explicitly), `;` `,` or tab, quoted fields with "" escapes (a quoted field may span lines),
 * CRLF or LF. Streaming: rows are turned into persons as they come.
 */
import { CsvTokenizer, type CsvTokenizerOptions, detectSeparator } from '../../core/csv.ts';
import type { Profile, StaffFunction } from '../../directory/model.ts';
import { IMPORT_LIMITS, type ParsedFile } from '../model.ts';
import { type ReaderContext, FileBuilder, INE_RE, asciiKey, clean, fmtInt, importError, lineWhere, parseDate } from './common.ts';

export const CSV_FIELDS = ['surname', 'givenName', 'birthDate', 'classe', 'profile', 'id', 'ine', 'staffFunction', 'groups', 'subjects'] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

export const MAX_CSV_ROWS = 100_000;

/** Header aliases, normalised (lower case, no accents, punctuation → space). Order = preference. */
const ALIASES: [string, CsvField][] = [
  ['nom d usage', 'surname'],
  ['nom usage', 'surname'],
  ['nom', 'surname'],
  ['nom de famille', 'surname'],
  ['nom patronymique', 'surname'],
  ['surname', 'surname'],
  ['sn', 'surname'],
  ['last name', 'surname'],
  ['lastname', 'surname'],
  ['prenom', 'givenName'],
  ['prenom 1', 'givenName'],
  ['givenname', 'givenName'],
  ['given name', 'givenName'],
  ['first name', 'givenName'],
  ['firstname', 'givenName'],
  ['date de naissance', 'birthDate'],
  ['date naissance', 'birthDate'],
  ['naissance', 'birthDate'],
  ['ne e le', 'birthDate'],
  ['ne le', 'birthDate'],
  ['nee le', 'birthDate'],
  ['birthdate', 'birthDate'],
  ['birth date', 'birthDate'],
  ['classe', 'classe'],
  ['division', 'classe'],
  ['class', 'classe'],
  ['profil', 'profile'],
  ['profile', 'profile'],
  ['type', 'profile'],
  ['categorie', 'profile'],
  ['identifiant', 'id'],
  ['id', 'id'],
  ['numero', 'id'],
  ['eleve id', 'id'],
  ['n eleve', 'id'],
  ['numero eleve', 'id'],
  ['num eleve', 'id'],
  ['n', 'id'],
  ['no', 'id'],
  ['num', 'id'],
  ['ine', 'ine'],
  ['numero ine', 'ine'],
  ['identifiant national', 'ine'],
  ['fonction', 'staffFunction'],
  ['function', 'staffFunction'],
  ['groupes', 'groups'],
  ['groupe', 'groups'],
  ['groups', 'groups'],
  ['matiere', 'subjects'],
  ['matieres', 'subjects'],
  ['discipline', 'subjects'],
  ['disciplines', 'subjects'],
];

const FIELD_LABELS: Record<CsvField, string> = {
  surname: 'nom',
  givenName: 'prénom',
  birthDate: 'date de naissance',
  classe: 'classe',
  profile: 'profil',
  id: 'identifiant',
  ine: 'INE',
  staffFunction: 'fonction',
  groups: 'groupes',
  subjects: 'matières',
};

export function normalizeHeader(h: string): string {
  return asciiKey(clean(h))
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const PROFILE_VALUES: Record<string, Profile> = {
  eleve: 'eleve',
  eleves: 'eleve',
  elv: 'eleve',
  pupil: 'eleve',
  student: 'eleve',
  enseignant: 'enseignant',
  enseignante: 'enseignant',
  enseignants: 'enseignant',
  prof: 'enseignant',
  professeur: 'enseignant',
  ens: 'enseignant',
  teacher: 'enseignant',
  personnel: 'personnel',
  personnels: 'personnel',
  staff: 'personnel',
  pers: 'personnel',
};

const FUNCTION_VALUES: Record<string, StaffFunction> = {
  direction: 'direction',
  dir: 'direction',
  principal: 'direction',
  'principal adjoint': 'direction',
  proviseur: 'direction',
  'vie scolaire': 'vie-scolaire',
  cpe: 'vie-scolaire',
  aed: 'vie-scolaire',
  surveillant: 'vie-scolaire',
  edu: 'vie-scolaire',
  administration: 'administration',
  secretariat: 'administration',
  gestion: 'administration',
  intendance: 'administration',
  adm: 'administration',
  agent: 'agent',
  agents: 'agent',
  documentation: 'documentation',
  cdi: 'documentation',
  documentaliste: 'documentation',
  doc: 'documentation',
  'sante social': 'sante-social',
  infirmiere: 'sante-social',
  infirmier: 'sante-social',
  'assistante sociale': 'sante-social',
  'assistant social': 'sante-social',
  psyen: 'sante-social',
  autre: 'autre',
};

/** The columns of each field, in order of preference. */
type Columns = Map<CsvField, number[]>;

/** Which field each header is (explicit mapping first, else aliases). */
export function mapHeaders(headers: string[], mapping: Record<string, CsvField> | undefined, name: string): Columns {
  const cols: Columns = new Map();
  const add = (f: CsvField, i: number, rank: number, ranks: Map<number, number>) => {
    const list = cols.get(f) ?? [];
    list.push(i);
    ranks.set(i, rank);
    list.sort((a, b) => (ranks.get(a) ?? 0) - (ranks.get(b) ?? 0));
    cols.set(f, list);
  };
  const ranks = new Map<number, number>();
  if (mapping) {
    const explicit = new Map<string, CsvField>();
    for (const [h, f] of Object.entries(mapping)) {
      if (!(CSV_FIELDS as readonly string[]).includes(f)) {
        throw importError('IMPORT_CSV_HEADER', name, `correspondance de colonnes invalide : « ${f} » n’est pas un champ connu (${CSV_FIELDS.join(', ')}).`);
      }
      explicit.set(normalizeHeader(h), f);
    }
    headers.forEach((h, i) => {
      const f = explicit.get(normalizeHeader(h));
      if (f) add(f, i, i, ranks);
    });
    return cols;
  }
  headers.forEach((h, i) => {
    const n = normalizeHeader(h);
    const rank = ALIASES.findIndex(([alias]) => alias === n);
    const alias = ALIASES[rank];
    if (alias) add(alias[1], i, rank, ranks);
  });
  return cols;
}

/** The separator of a header line: the most frequent of ; tab , outside quotes (ties in that order). */
const tokenizerOptions = (name: string): CsvTokenizerOptions => ({
  maxField: IMPORT_LIMITS.maxTextLength,
  error: (kind, line) =>
    kind === 'unclosed'
      ? importError('IMPORT_CSV_MALFORMED', name, `guillemet ouvert ${lineWhere(line)} et jamais fermé. Vérifiez cette ligne dans le tableur puis enregistrez de nouveau au format CSV.`)
      : importError(
          'IMPORT_CSV_MALFORMED',
          name,
          `champ de plus de ${fmtInt(IMPORT_LIMITS.maxTextLength)} caractères commencé ${lineWhere(line)} (guillemet non fermé ?). Vérifiez cette ligne dans le tableur.`,
        ),
});

export interface CsvOptions {
  mapping?: Record<string, CsvField> | undefined;
}

/** Reads a CSV text stream. `lineRef` is kept up to date for encoding error messages. */
export async function readCsv(ctx: ReaderContext, text: AsyncIterable<string>, opts: CsvOptions, lineRef: { line: number }): Promise<ParsedFile> {
  const b = new FileBuilder(ctx.name, 'csv');
  let headers: string[] | null = null;
  let cols: Columns = new Map();
  let rows = 0;
  let tokenizer: CsvTokenizer | null = null;
  const onRow = (fields: string[], line: number) => {
    if (fields.every((f) => clean(f) === '')) return;
    if (headers === null) {
      headers = fields.map(clean);
      cols = mapHeaders(headers, opts.mapping, ctx.name);
      checkHeaders(ctx.name, headers, cols, opts.mapping !== undefined);
      return;
    }
    rows++;
    if (rows > MAX_CSV_ROWS) {
      throw importError('IMPORT_TOO_LARGE', ctx.name, `plus de ${fmtInt(MAX_CSV_ROWS)} lignes : découpez le fichier.`);
    }
    row(b, cols, fields, line);
  };
  for await (const chunk of text) {
    if (tokenizer === null) {
      const firstLine = chunk.replace(/^\ufeff/, '').split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
      const sep = detectSeparator(firstLine);
      if (sep === null) {
        throw importError('IMPORT_UNKNOWN_FORMAT', ctx.name, `format non reconnu (texte sans colonnes séparées par « ; », « , » ou une tabulation). ${ACCEPTED}`);
      }
      tokenizer = new CsvTokenizer(sep, tokenizerOptions(ctx.name), onRow);
    }
    tokenizer.write(chunk.replace(/^\ufeff/, ''));
    lineRef.line = tokenizer.currentLine;
  }
  tokenizer?.end();
  return b.finish();
}

export const ACCEPTED =
  'Formats acceptés : SIECLE « ElevesSansAdresses.xml » (ou l’archive ExportXML_ElevesSansAdresses.zip), STS-Web « sts_emp_<UAI>_<année>.xml », fichiers AAF (ficAlimMENESR) et CSV (séparateur « ; », « , » ou tabulation, avec une ligne d’en-têtes : nom, prénom, classe…).';

function checkHeaders(name: string, headers: string[], cols: Columns, explicit: boolean): void {
  const found = headers.filter((h) => h !== '').map((h) => `« ${h} »`).join(', ') || 'aucun';
  if (cols.size === 0 && !explicit) {
    throw importError(
      'IMPORT_UNKNOWN_FORMAT',
      name,
      `format non reconnu (texte en colonnes, mais aucun en-tête connu parmi ${found} : la première ligne doit nommer les colonnes — nom, prénom, classe, date de naissance…). ${ACCEPTED}`,
    );
  }
  const missing: string[] = [];
  if (!cols.has('surname')) missing.push('nom');
  if (!cols.has('givenName')) missing.push('prénom');
  if (!cols.has('profile') && !cols.has('classe')) missing.push('classe (ou profil)');
  if (missing.length > 0) {
    throw importError(
      'IMPORT_CSV_HEADER',
      name,
      `colonne${missing.length > 1 ? 's' : ''} obligatoire${missing.length > 1 ? 's' : ''} absente${missing.length > 1 ? 's' : ''} : ${missing.join(', ')}. En-têtes trouvés : ${found}. La première ligne doit nommer les colonnes (nom, prénom, classe, date de naissance…).`,
    );
  }
}

function row(b: FileBuilder, cols: Columns, fields: string[], line: number): void {
  const where = lineWhere(line);
  const get = (f: CsvField): string => {
    for (const i of cols.get(f) ?? []) {
      const v = clean(fields[i]);
      if (v) return v;
    }
    return '';
  };
  const surname = get('surname');
  const givenName = get('givenName');
  const birth = parseDate(get('birthDate'), 'date de naissance', true);
  const id = get('id');
  const ine = get('ine').toUpperCase();
  let key: string;
  if (id) key = `CSV:${id}`;
  else if (ine) key = `CSV:${ine}`;
  else key = `CSV:${asciiKey(`${surname}|${givenName}|${birth.date ?? ''}`)}`;
  if (birth.error !== undefined) {
    b.error(where, `${birth.error} Corrigez la cellule dans le tableur.`, key);
    return;
  }
  const otherIds = [id.toUpperCase(), ine].filter((v) => INE_RE.test(v)).map((v) => `INE:${v}`);
  let profile: Profile = 'eleve';
  const rawProfile = get('profile');
  if (rawProfile) {
    const p = PROFILE_VALUES[normalizeHeader(rawProfile)];
    if (!p) {
      b.error(where, `profil « ${rawProfile} » inconnu : indiquez élève, enseignant ou personnel.`, key);
      return;
    }
    profile = p;
  } else if (!cols.has('classe')) {
    b.error(where, 'profil manquant : indiquez élève, enseignant ou personnel.', key);
    return;
  }
  const list = (v: string) =>
    v
      .split(/[,|]/)
      .map(clean)
      .filter((s) => s !== '');
  const classeCell = get('classe');
  let classe: string | null = null;
  let teaches: string[] = [];
  let staffFunction: StaffFunction | null = null;
  if (profile === 'eleve') {
    if (!classeCell) {
      b.error(where, 'élève sans classe : remplissez la colonne classe.', key);
      return;
    }
    classe = classeCell;
    b.classes.add(classe);
  } else if (profile === 'enseignant') {
    teaches = list(classeCell);
    for (const c of teaches) b.classes.add(c);
  } else {
    const rawFn = get('staffFunction');
    staffFunction = rawFn ? (FUNCTION_VALUES[normalizeHeader(rawFn)] ?? null) : 'autre';
    if (staffFunction === null) {
      b.warn(where, `fonction « ${rawFn} » inconnue : classée « Autre ».`, key);
      staffFunction = 'autre';
    }
  }
  b.addPerson({
    key,
    otherIds,
    profile,
    surname,
    givenName,
    birthDate: birth.date,
    classe,
    groups: list(get('groups')),
    teaches,
    subjects: list(get('subjects')),
    staffFunction,
    where,
  });
}

export { FIELD_LABELS as CSV_FIELD_LABELS };
