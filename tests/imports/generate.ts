/**
 * Generators of realistic national-export files (SIECLE, STS-Web, AAF, CSV) for the import tests
 * and `scripts/bench-import.ts`. Everything is deterministic from a seed: the same options give the
 * same school and the same bytes.
 *
 * The school model (GenSchool) keeps names in their natural case ("Œuvray", "D’Almeida"); the
 * national files write surnames in upper case as the real exports do ("ŒUVRAY"), unless
 * `upperSurnames: false`. The CSV keeps the natural case.
 *
 * Layout choices that differ from a naive reading of docs/formats.md, all following real files
 * (GEPI and SACoche parsers): in STS-Web, PARAMETRES/UAJ carries the UAI in its CODE attribute
 * (`<UAJ CODE="0751234A">` with children), the year is `<ANNEE_SCOLAIRE ANNEE="2026">`,
 * NOMENCLATURES is a child of the root STS_EDT (not of DONNEES), dates of birth are YYYY-MM-DD,
 * SEXE and CIVILITE are codes (1 = M., 2 = Mme). SIECLE PARAMETRES/UAJ and ANNEE_SCOLAIRE are text.
 *
 * Characters an ISO-8859-15 file cannot hold (the typographic apostrophe ’) are written as XML
 * character references (&#8217;), so the value read back is the model's. In a CSV they are
 * replaced (’ → ').
 *
 * AAF: the structure jointure (ENTStructureJointure, ENTPersonStructRattach, the prefix of
 * ENTEleveClasses…) is a number, as in real files, not the UAI: see aafStructureJointure(); only
 * the EtabEducNat file carries the UAI. `<id>` equals ENTPersonJointure.
 */
import iconv from 'iconv-lite';
import { buildZip } from './zip.ts';

// ---- the model --------------------------------------------------------------------------------

export interface GenPupil {
  eleveId: string;
  elenoet: string;
  ine: string;
  aafId: string;
  givenName: string;
  surname: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'M' | 'F';
  classe: string;
  groups: string[];
  /** YYYY-MM-DD, or null while the pupil is at the school. */
  leftOn: string | null;
  /** YYYY-MM-DD, the day the pupil entered the school (SIECLE DATE_ENTREE). */
  enteredOn?: string;
}

export type GenFunction = 'ENS' | 'DIR' | 'EDU' | 'DOC' | 'ADM';

export interface GenTeacher {
  stsId: string;
  aafId: string;
  givenName: string;
  surname: string;
  birthDate: string;
  sex: 'M' | 'F';
  fonction: GenFunction;
  classes: string[];
  subject: { code: string; gestion: string; label: string } | null;
}

export interface GenParent {
  aafId: string;
  givenName: string;
  surname: string;
  /** The children's aafId. */
  children: string[];
}

export interface GenSchool {
  uai: string;
  name: string;
  /** 2026 = school year 2026-2027. */
  year: number;
  /** YYYY-MM-DD */
  exportDate: string;
  classes: string[];
  pupils: GenPupil[];
  /** Teachers (fonction ENS) and the other staff (DIR, EDU, DOC, ADM). */
  teachers: GenTeacher[];
  parents: GenParent[];
}

export interface SchoolOptions {
  seed: number;
  /** Default '0751234A'. */
  uai?: string;
  name?: string;
  /** Default 2026 (= 2026-2027). */
  year?: number;
  /** Default 8: 6A 6B 5A 5B 4A 4B 3A 3B. N classes are spread over the levels 6, 5, 4, 3 (at least 4). */
  classes?: number;
  /** Default 25 per class. */
  pupils?: number;
  /** Teachers (fonction ENS), default 12. */
  teachers?: number;
  /** Non-teaching staff, default 3: DIR, EDU, DOC (then ADM, DIR, EDU…). */
  staff?: number;
  /** Extra pupils with exactly the names of an existing pupil (another birth date), default 2. */
  homonyms?: number;
}

// ---- seeded randomness ------------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32: a small, fast, seeded PRNG with values in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: Rng, list: readonly T[]): T {
  if (list.length === 0) throw new RangeError('pick from an empty list');
  return list[Math.floor(rng() * list.length)] as T;
}

function shuffled<T>(rng: Rng, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/** FNV-1a 32-bit: seeds the per-person details derived at write time. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// ---- names ------------------------------------------------------------------------------------

const GIVEN_F = [
  'Zoé', 'Chloé', 'Anaïs', 'Maëlle', 'Hélène', 'Léa', 'Inès', 'Cécile', 'Éloïse', 'Emma', 'Jade', 'Louise',
  'Alice', 'Camille', 'Manon', 'Léna', 'Juliette', 'Clémence', 'Océane', 'Noémie', 'Salomé', 'Agathe',
  'Héloïse', 'Joséphine', 'Maëva', 'Capucine', 'Bérénice', 'Aïcha', 'Gwenaëlle', 'Ambre', 'Lina', 'Rose',
  'Anna', 'Mila', 'Margaux', 'Romane', 'Pauline', 'Lucie', 'Mathilde', 'Sarah', 'Yasmine', 'Fatoumata',
  'Amélie', 'Clara', 'Eva', 'Élise', 'Nour', 'Apolline', 'Laurène', 'Maïwenn', 'Marie-Ange', 'Anne-Sophie',
  'Marie-Lou', 'Lou-Anne', 'Zoë', 'Thaïs',
] as const;

const GIVEN_M = [
  'Jérémy', 'François', 'Noël', 'Gaëtan', 'Loïc', 'Raphaël', 'Joël', 'Lucas', 'Hugo', 'Théo', 'Nathan',
  'Mathéo', 'Enzo', 'Louis', 'Jules', 'Arthur', 'Maël', 'Noé', 'Adam', 'Mohamed', 'Yanis', 'Clément',
  'Bastien', 'Timothée', 'Aurélien', 'Kévin', 'Benoît', 'Grégoire', 'Éloi', 'Côme', 'Gabriel', 'Léo',
  'Ethan', 'Tom', 'Paul', 'Sacha', 'Valentin', 'Ibrahim', 'Mamadou', 'Rayan', 'Anthony', 'Thibault',
  'Quentin', 'Maxime', 'Alexis', 'Victor', 'Baptiste', 'Killian', 'Jean-Baptiste', 'Pierre-Louis',
  'Jean-Noël', 'Paul-Émile', 'Anaël', 'Ismaël',
] as const;

const ADULT_F = [
  'Nathalie', 'Isabelle', 'Sylvie', 'Véronique', 'Valérie', 'Céline', 'Aurélie', 'Émilie', 'Françoise',
  'Gaëlle', 'Sandrine', 'Stéphanie', 'Christine', 'Hélène', 'Cécile', 'Laurence', 'Sophie', 'Anne',
  'Karine', 'Virginie', 'Maïté', 'Noëlle', 'Marie-Hélène', 'Anne-Laure', 'Zoé', 'Inès',
] as const;

const ADULT_M = [
  'Philippe', 'Stéphane', 'Frédéric', 'Hervé', 'Sébastien', 'Jérôme', 'Nicolas', 'Joël', 'Noël', 'Thierry',
  'Pascal', 'Éric', 'Olivier', 'Laurent', 'Christophe', 'Didier', 'Benoît', 'Franck', 'Gérard',
  'Jean-François', 'Jean-Marc', 'Pierre-Yves', 'Loïc', 'Yannick', 'Raphaël', 'François',
] as const;

/** Surnames with the particularities the readers and the login rules must survive. */
const SPECIAL_SURNAMES = [
  'Lefèvre', 'Müller', 'Nguyen', 'Da Silva', 'D’Almeida', "D'Almeida", 'Le Gall', 'Œuvray', 'Lebœuf',
  'Sánchez', 'Bérénice-Dupont', "N'Diaye", 'Çelik', 'Du Pré', 'Saint-Jean', 'Kerhervé',
] as const;

const COMMON_SURNAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel',
  'Girard', 'André', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier',
  'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu',
  'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Gérard', 'Boyer',
  'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas',
  'Meunier', 'Jean', 'Pérez', 'Marchand', 'Dufour', 'Blanchard', 'Barbier', 'Brun', 'Dumas', 'Brunet',
  'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud',
  'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Lacroix', 'Fabre', 'Dupuis',
  'Olivier', 'Rodriguez', 'Da Costa', 'Le Goff', 'Le Roux', 'Diallo', 'Traoré', 'Haddad', 'Benali', 'Tran',
  'Dos Santos', 'Hoarau', 'Payet', 'Rivière', 'Crépin', 'Lefebvre', 'Chassaing', 'Bouvier', 'Hamon',
  // unaccented spellings, as typed by mistake; midYear() "renames" fix them
  'Lefevre', 'Gerard', 'Muller', 'Riviere', 'Celik', 'Oeuvray', 'Guerin', 'Andre',
] as const;

/** Spelling corrections applied by midYear() renames. */
const SPELLING_FIXES: Record<string, string> = {
  Lefevre: 'Lefèvre',
  Gerard: 'Gérard',
  Muller: 'Müller',
  Riviere: 'Rivière',
  Celik: 'Çelik',
  Oeuvray: 'Œuvray',
  Guerin: 'Guérin',
  Andre: 'André',
};

const SECOND_SURNAMES = ['Martin', 'Diallo', 'Lefèvre', 'Da Silva', 'Moreau', 'Nguyen', 'Le Gall', 'Œuvray', 'Durand'] as const;

const SCHOOL_NAMES = [
  'Collège Jean-Moulin', 'Collège Victor-Hugo', 'Collège Marie-Curie', 'Collège Louise-Michel',
  'Collège Émile-Zola', 'Collège Françoise-Dolto', 'Collège Paul-Éluard', 'Collège Aimé-Césaire',
] as const;

const BIRTH_PLACES: readonly (readonly [string, string, string])[] = [
  ['PARIS 11E  ARRONDISSEMENT', '075', '75111'],
  ['PARIS 20E  ARRONDISSEMENT', '075', '75120'],
  ['SAINT-ÉTIENNE', '042', '42218'],
  ['BESANÇON', '025', '25056'],
  ['ORLÉANS', '045', '45234'],
  ['NÎMES', '030', '30189'],
  ['CRÉTEIL', '094', '94028'],
  ['MONTREUIL', '093', '93048'],
  ['LYON 3E  ARRONDISSEMENT', '069', '69383'],
  ['L’HAŸ-LES-ROSES', '094', '94038'],
];

function pickSurname(rng: Rng): string {
  return rng() < 0.25 ? pick(rng, SPECIAL_SURNAMES) : pick(rng, COMMON_SURNAMES);
}

function upperName(s: string): string {
  return s.toUpperCase();
}

// ---- nomenclatures ----------------------------------------------------------------------------

interface Subject {
  code: string;
  gestion: string;
  label: string;
  short: string;
  discipline: string;
  disciplineLabel: string;
}

/** Plausible BCN-like codes (not authoritative). Teachers get them in this order, round robin. */
const SUBJECTS: readonly Subject[] = [
  { code: '061300', gestion: 'MATHS', label: 'MATHEMATIQUES', short: 'MATHEMATIQUES', discipline: 'L1300', disciplineLabel: 'MATHEMATIQUES' },
  { code: '020700', gestion: 'FRANC', label: 'FRANCAIS', short: 'FRANCAIS', discipline: 'L0202', disciplineLabel: 'LETTRES MODERNES' },
  { code: '030201', gestion: 'AGL1', label: 'ANGLAIS LV1', short: 'ANGLAIS LV1', discipline: 'L0422', disciplineLabel: 'ANGLAIS' },
  { code: '040300', gestion: 'HI-GE', label: 'HISTOIRE-GEOGRAPHIE', short: 'HISTOIRE-GEO.', discipline: 'L1000', disciplineLabel: 'HISTOIRE GEOGRAPHIE' },
  { code: '062900', gestion: 'SVT', label: 'SCIENCES DE LA VIE ET DE LA TERRE', short: 'S.V.T.', discipline: 'L1600', disciplineLabel: 'SCIENCES DE LA VIE ET DE LA TERRE' },
  { code: '063100', gestion: 'PH-CH', label: 'PHYSIQUE-CHIMIE', short: 'PHYSIQUE-CHIMIE', discipline: 'L1500', disciplineLabel: 'PHYSIQUE CHIMIE' },
  { code: '070400', gestion: 'TECHN', label: 'TECHNOLOGIE', short: 'TECHNOLOGIE', discipline: 'L1400', disciplineLabel: 'TECHNOLOGIE' },
  { code: '100100', gestion: 'EPS', label: 'EDUCATION PHYSIQUE ET SPORTIVE', short: 'E.P.S', discipline: 'L1900', disciplineLabel: 'EDUCATION PHYSIQUE ET SPORTIVE' },
  { code: '030602', gestion: 'ESP2', label: 'ESPAGNOL LV2', short: 'ESPAGNOL LV2', discipline: 'L0426', disciplineLabel: 'ESPAGNOL' },
  { code: '030102', gestion: 'ALL2', label: 'ALLEMAND LV2', short: 'ALLEMAND LV2', discipline: 'L0421', disciplineLabel: 'ALLEMAND' },
  { code: '080100', gestion: 'A-PLA', label: 'ARTS PLASTIQUES', short: 'ARTS PLASTIQUES', discipline: 'L1800', disciplineLabel: 'ARTS PLASTIQUES' },
  { code: '080200', gestion: 'EDMUS', label: 'EDUCATION MUSICALE', short: 'EDUCATION MUSICALE', discipline: 'L1700', disciplineLabel: 'EDUCATION MUSICALE' },
  { code: '020300', gestion: 'LCALA', label: 'LCA LATIN', short: 'LATIN', discipline: 'L0201', disciplineLabel: 'LETTRES CLASSIQUES' },
];

const SUBJECT_BY_CODE = new Map(SUBJECTS.map((s) => [s.code, s]));

/** Groups (SIECLE TYPE_STRUCTURE G, STS GROUPES) by suffix: the subject taught in them. */
const GROUP_SUBJECT: Record<string, string> = {
  BILANGUE: 'ALL2',
  'ESP-LV2': 'ESP2',
  'ALL-LV2': 'ALL2',
  LATIN: 'LCALA',
};

const GROUP_LABELS: Record<string, string> = {
  BILANGUE: 'BILANGUE ANGLAIS-ALLEMAND',
  'ESP-LV2': 'ESPAGNOL LV2',
  'ALL-LV2': 'ALLEMAND LV2',
  LATIN: 'LATIN',
};

const MEFS: Record<number, readonly [string, string, string]> = {
  6: ['10010012110', '6EME', '6EME'],
  5: ['10110001110', '5EME', '5EME'],
  4: ['10210001110', '4EME', '4EME GENERALE'],
  3: ['10310019110', '3EME', '3EME GENERALE'],
};

const STAFF_ORDER: readonly GenFunction[] = ['DIR', 'EDU', 'DOC', 'ADM'];

const STAFF_DETAILS: Record<Exclude<GenFunction, 'ENS'>, { grade: string; profil: string; fonction: string }> = {
  DIR: { grade: 'PERDIR', profil: 'National_DIR', fonction: 'DIR$DIRECTION$D0010$DIRECTION' },
  EDU: { grade: 'CPE', profil: 'National_EVS', fonction: 'EDU$EDUCATION$E0030$EDUCATION' },
  DOC: { grade: 'CERTIFIE', profil: 'National_DOC', fonction: 'DOC$DOCUMENTATION$L0080$DOCUMENTATION' },
  ADM: { grade: 'ADJAENES', profil: 'National_ETA', fonction: 'ADM$ADMINISTRATION$A0010$ADMINISTRATION' },
};

// ---- dates ------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

function toMs(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

function fromMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addDays(iso: string, days: number): string {
  return fromMs(toMs(iso) + days * DAY_MS);
}

function daysBetween(from: string, to: string): number {
  return Math.round((toMs(to) - toMs(from)) / DAY_MS);
}

/** YYYY-MM-DD → dd/mm/yyyy */
function frDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function randomDate(rng: Rng, fromIso: string, toIso: string): string {
  return addDays(fromIso, int(rng, 0, daysBetween(fromIso, toIso)));
}

/** The HH:MM:SS of an export, derived from the school and the date. */
function exportTime(s: GenSchool): string {
  const h = hash(`${s.uai}|${s.exportDate}`);
  return `${pad2(8 + (h % 10))}:${pad2((h >>> 8) % 60)}:${pad2((h >>> 16) % 60)}`;
}

// ---- ids --------------------------------------------------------------------------------------

const ID_MOD = 1_000_000_000n;

/** A bijection of [0, 1e9): multiplier prime to 10. */
function scramble(m: number, a: bigint, b: bigint): number {
  return Number((BigInt(m) * a + b) % ID_MOD);
}

const INE_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const PUPIL_SLOTS = 60_000;
const TEACHER_SLOTS = 5_000;
const PARENT_SLOTS = 35_000;

/**
 * Ids are built from a sequence number n = (days from 1990-01-01 to the export date) × 100 000 +
 * a slot (pupils, teachers, parents), so people created by a later export (nextYear, midYear move
 * the export date forward) never get an id already used, even by someone who has left since.
 * Each kind of id is a different bijection of n, in ranges that do not overlap:
 * ELEVE_ID 1xxxxxxxxx, ELENOET 2xxxxxxxxx, AAF jointure 3xxxxxxxxx, STS id 4xxxxxxxxx.
 */
class IdMaker {
  private readonly base: number;
  private pupils = 0;
  private teachers = 0;
  private parents = 0;

  constructor(exportDate: string) {
    this.base = daysBetween('1990-01-01', exportDate) * 100_000;
  }

  private seq(slot: number): number {
    return (this.base + slot) % 1_000_000_000;
  }

  pupil(): { eleveId: string; elenoet: string; ine: string; aafId: string } {
    if (this.pupils >= PUPIL_SLOTS) throw new RangeError(`at most ${PUPIL_SLOTS} new pupils per export`);
    const m = this.seq(this.pupils++);
    return {
      eleveId: String(1_000_000_000 + scramble(m, 3_141_592_653n, 271_828n)),
      elenoet: String(2_000_000_000 + scramble(m, 2_718_281_829n, 314_159n)),
      ine: String(scramble(m, 1_618_033_987n, 141_421n)).padStart(10, '0') + (INE_LETTERS[m % INE_LETTERS.length] ?? 'A'),
      aafId: String(3_000_000_000 + scramble(m, 1_414_213_563n, 173_205n)),
    };
  }

  teacher(): { stsId: string; aafId: string } {
    if (this.teachers >= TEACHER_SLOTS) throw new RangeError(`at most ${TEACHER_SLOTS} new staff per export`);
    const m = this.seq(PUPIL_SLOTS + this.teachers++);
    return {
      stsId: String(4_000_000_000 + scramble(m, 2_236_067_977n, 223_606n)),
      aafId: String(3_000_000_000 + scramble(m, 1_414_213_563n, 173_205n)),
    };
  }

  parent(): string {
    if (this.parents >= PARENT_SLOTS) throw new RangeError(`at most ${PARENT_SLOTS} new parents per export`);
    const m = this.seq(PUPIL_SLOTS + TEACHER_SLOTS + this.parents++);
    return String(3_000_000_000 + scramble(m, 1_414_213_563n, 173_205n));
  }
}

/** The AAF structure jointure of the school (ENTStructureJointure, ENTPersonStructRattach). */
export function aafStructureJointure(s: GenSchool): string {
  return String(1000 + (hash(s.uai) % 9000));
}

// ---- building schools -------------------------------------------------------------------------

function letters(i: number): string {
  let out = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function makeClasses(n: number): string[] {
  const out: string[] = [];
  [6, 5, 4, 3].forEach((level, li) => {
    const count = Math.floor(n / 4) + (li < n % 4 ? 1 : 0);
    for (let i = 0; i < count; i++) out.push(`${level}${letters(i)}`);
  });
  return out;
}

function levelOf(classe: string): number {
  return Number(classe[0]);
}

function classesByLevel(classes: readonly string[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const c of classes) {
    const list = map.get(levelOf(c)) ?? [];
    list.push(c);
    map.set(levelOf(c), list);
  }
  return map;
}

/**
 * A pupil's groups at `level`: 6e a few in BILANGUE; 5e-3e one LV2 group (ESP or ALL) and some in
 * LATIN. `prev` (last year's groups) is continued; `fresh` = a new pupil (may start Latin at any level).
 */
function groupsFor(rng: Rng, level: number, prev: readonly string[], fresh: boolean): string[] {
  const had = (suffix: string) => prev.some((g) => g.endsWith(suffix));
  if (level === 6) return rng() < 0.15 ? ['6BILANGUE'] : [];
  const out: string[] = [];
  let lv2: string;
  if (had('ESP-LV2')) lv2 = 'ESP-LV2';
  else if (had('ALL-LV2') || had('BILANGUE')) lv2 = 'ALL-LV2';
  else lv2 = rng() < 0.65 ? 'ESP-LV2' : 'ALL-LV2';
  out.push(`${level}${lv2}`);
  const latin = had('LATIN') ? rng() < 0.95 : fresh || level === 5 ? rng() < 0.2 : false;
  if (latin) out.push(`${level}LATIN`);
  return out;
}

/** Pupils are born in year − 11 for 6e … year − 14 for 3e; a few a year earlier or later. */
function birthFor(rng: Rng, level: number, year: number): string {
  let y = year - (17 - level);
  const r = rng();
  if (r < 0.04) y -= 1;
  else if (r < 0.05) y += 1;
  return randomDate(rng, `${y}-01-01`, `${y}-12-31`);
}

interface Builder {
  rng: Rng;
  year: number;
  ids: IdMaker;
  pupils: GenPupil[];
  parents: GenParent[];
  parentsByChild: Map<string, GenParent[]>;
}

function builderFrom(rng: Rng, year: number, exportDate: string, pupils: GenPupil[], parents: GenParent[]): Builder {
  const parentsByChild = new Map<string, GenParent[]>();
  for (const parent of parents) {
    for (const child of parent.children) {
      const list = parentsByChild.get(child) ?? [];
      list.push(parent);
      parentsByChild.set(child, list);
    }
  }
  return { rng, year, ids: new IdMaker(exportDate), pupils, parents, parentsByChild };
}

function makeParents(b: Builder, surname: string): GenParent[] {
  const { rng } = b;
  const count = rng() < 0.15 ? 1 : 2;
  const first: 'M' | 'F' = rng() < 0.5 ? 'M' : 'F';
  const out: GenParent[] = [];
  for (let i = 0; i < count; i++) {
    const sex = i === 0 ? first : rng() < 0.9 ? (first === 'M' ? 'F' : 'M') : first;
    const parent: GenParent = {
      aafId: b.ids.parent(),
      givenName: pick(rng, sex === 'M' ? ADULT_M : ADULT_F),
      surname: i === 0 || rng() < 0.6 ? surname : pickSurname(rng),
      children: [],
    };
    out.push(parent);
    b.parents.push(parent);
  }
  return out;
}

function newPupil(
  b: Builder,
  classe: string,
  enteredOn: string,
  names?: { givenName: string; surname: string; sex: 'M' | 'F'; notBornOn: string },
): GenPupil {
  const { rng } = b;
  const level = levelOf(classe);
  const ids = b.ids.pupil();
  let sex: 'M' | 'F';
  let givenName: string;
  let surname: string;
  let family: GenParent[] = [];
  let birthDate = birthFor(rng, level, b.year);
  if (names) {
    ({ sex, givenName, surname } = names);
    while (birthDate === names.notBornOn) birthDate = birthFor(rng, level, b.year);
  } else {
    sex = rng() < 0.5 ? 'M' : 'F';
    const sibling = b.pupils.length > 0 && rng() < 0.08 ? pick(rng, b.pupils) : null;
    givenName = pick(rng, sex === 'M' ? GIVEN_M : GIVEN_F);
    if (sibling) {
      surname = sibling.surname;
      family = b.parentsByChild.get(sibling.aafId) ?? [];
      for (let i = 0; i < 5 && givenName === sibling.givenName; i++) givenName = pick(rng, sex === 'M' ? GIVEN_M : GIVEN_F);
    } else {
      surname = pickSurname(rng);
    }
  }
  const pupil: GenPupil = {
    ...ids,
    givenName,
    surname,
    birthDate,
    sex,
    classe,
    groups: groupsFor(rng, level, [], true),
    leftOn: null,
    enteredOn,
  };
  if (family.length === 0) family = makeParents(b, surname);
  for (const parent of family) parent.children.push(pupil.aafId);
  b.parentsByChild.set(pupil.aafId, family);
  b.pupils.push(pupil);
  return pupil;
}

/** Picks `k` classes for a teacher of `subject`: classes without this subject yet, least loaded first. */
function chooseClasses(rng: Rng, classes: readonly string[], teachers: readonly GenTeacher[], subject: string, k: number): string[] {
  const load = new Map<string, number>();
  const taught = new Set<string>();
  for (const t of teachers) {
    for (const c of t.classes) {
      load.set(c, (load.get(c) ?? 0) + 1);
      if (t.subject?.code === subject) taught.add(c);
    }
  }
  return classes
    .map((c) => ({ c, key: (taught.has(c) ? 1e6 : 0) + (load.get(c) ?? 0) * 1000 + rng() * 999 }))
    .sort((x, y) => x.key - y.key)
    .slice(0, Math.min(k, classes.length))
    .map((x) => x.c)
    .sort((x, y) => classes.indexOf(x) - classes.indexOf(y));
}

function newStaff(rng: Rng, ids: IdMaker, fonction: GenFunction, subject: Subject | null, classes: string[]): GenTeacher {
  const sex: 'M' | 'F' = rng() < 0.55 ? 'F' : 'M';
  return {
    ...ids.teacher(),
    givenName: pick(rng, sex === 'M' ? ADULT_M : ADULT_F),
    surname: pickSurname(rng),
    birthDate: randomDate(rng, '1960-01-01', '1998-12-31'),
    sex,
    fonction,
    classes,
    subject: subject ? { code: subject.code, gestion: subject.gestion, label: subject.label } : null,
  };
}

function newTeacher(rng: Rng, ids: IdMaker, subject: Subject, classes: readonly string[], teachers: readonly GenTeacher[]): GenTeacher {
  return newStaff(rng, ids, 'ENS', subject, chooseClasses(rng, classes, teachers, subject.code, int(rng, 2, 4)));
}

export function makeSchool(opts: SchoolOptions): GenSchool {
  const rng = mulberry32(opts.seed);
  const year = opts.year ?? 2026;
  const nClasses = opts.classes ?? 8;
  if (!Number.isInteger(nClasses) || nClasses < 4) throw new RangeError('a school needs at least 4 classes (6e to 3e)');
  const nPupils = opts.pupils ?? nClasses * 25;
  const nTeachers = opts.teachers ?? 12;
  const nStaff = opts.staff ?? 3;
  const nHomonyms = opts.homonyms ?? 2;
  const name = opts.name ?? pick(rng, SCHOOL_NAMES);
  const exportDate = `${year}-09-${pad2(int(rng, 2, 8))}`;
  const classes = makeClasses(nClasses);
  const b = builderFrom(rng, year, exportDate, [], []);

  classes.forEach((classe, ci) => {
    const count = Math.floor(nPupils / nClasses) + (ci < nPupils % nClasses ? 1 : 0);
    const entered = `${year - (6 - levelOf(classe))}-09-01`;
    for (let i = 0; i < count; i++) newPupil(b, classe, entered);
  });
  const originals = [...b.pupils];
  for (let h = 0; h < nHomonyms && originals.length > 0; h++) {
    const src = pick(rng, originals);
    const classe = pick(rng, classes);
    newPupil(b, classe, `${year - (6 - levelOf(classe))}-09-01`, {
      givenName: src.givenName,
      surname: src.surname,
      sex: src.sex,
      notBornOn: src.birthDate,
    });
  }

  const teachers: GenTeacher[] = [];
  for (let i = 0; i < nTeachers; i++) {
    teachers.push(newTeacher(rng, b.ids, SUBJECTS[i % SUBJECTS.length] as Subject, classes, teachers));
  }
  for (let i = 0; i < nStaff; i++) {
    teachers.push(newStaff(rng, b.ids, STAFF_ORDER[i % STAFF_ORDER.length] as GenFunction, null, []));
  }
  return { uai: opts.uai ?? '0751234A', name, year, exportDate, classes, pupils: b.pupils, teachers, parents: b.parents };
}

function clonePupil(p: GenPupil): GenPupil {
  return { ...p, groups: [...p.groups] };
}

function cloneParent(p: GenParent): GenParent {
  return { ...p, children: [...p.children] };
}

function cloneTeacher(t: GenTeacher): GenTeacher {
  return { ...t, classes: [...t.classes], subject: t.subject ? { ...t.subject } : null };
}

/**
 * The next school year's files: 3e pupils and those who left during the year are gone, the others
 * move up one level (6A → 5A…, the letter changes for a few), new 6e pupils arrive, a few teachers
 * leave and arrive (an arrival takes over a leaver's subject and classes), exportDate is early
 * September of year + 1. Pupils keep all their ids.
 */
export function nextYear(
  s: GenSchool,
  opts: { seed: number; newPupilsPerClass?: number; teachersLeaving?: number; teachersArriving?: number },
): GenSchool {
  const rng = mulberry32(opts.seed);
  const year = s.year + 1;
  let exportDate = `${year}-09-${pad2(int(rng, 2, 8))}`;
  if (exportDate <= s.exportDate) exportDate = addDays(s.exportDate, 1);
  const byLevel = classesByLevel(s.classes);
  const current = s.pupils.filter((p) => p.leftOn === null);
  const perClass = opts.newPupilsPerClass ?? Math.round(current.length / s.classes.length);

  const pupils: GenPupil[] = [];
  for (const p of current) {
    const level = levelOf(p.classe) - 1;
    const targets = byLevel.get(level);
    if (level < 3 || !targets) continue;
    const same = `${level}${p.classe.slice(1)}`;
    const classe = targets.includes(same) && rng() >= 0.08 ? same : pick(rng, targets);
    pupils.push({ ...clonePupil(p), classe, groups: groupsFor(rng, level, p.groups, false) });
  }
  const kept = new Set(pupils.map((p) => p.aafId));
  const parents = s.parents
    .map((p) => ({ ...cloneParent(p), children: p.children.filter((c) => kept.has(c)) }))
    .filter((p) => p.children.length > 0);

  const b = builderFrom(rng, year, exportDate, pupils, parents);
  for (const classe of byLevel.get(6) ?? []) {
    for (let i = 0; i < perClass; i++) newPupil(b, classe, `${year}-09-01`);
  }

  const staff = s.teachers.map(cloneTeacher);
  const ens = staff.filter((t) => t.fonction === 'ENS');
  const leaving = shuffled(rng, ens).slice(0, Math.min(opts.teachersLeaving ?? 2, ens.length));
  const leavingIds = new Set(leaving.map((t) => t.stsId));
  const teachers = staff.filter((t) => !leavingIds.has(t.stsId));
  const arriving = opts.teachersArriving ?? 2;
  const arrivals: GenTeacher[] = [];
  for (let i = 0; i < arriving; i++) {
    const replaced = leaving[i];
    const subject = replaced?.subject
      ? (SUBJECT_BY_CODE.get(replaced.subject.code) ?? (SUBJECTS[0] as Subject))
      : (SUBJECTS[(ens.length + i) % SUBJECTS.length] as Subject);
    const t = replaced
      ? newStaff(rng, b.ids, 'ENS', subject, [...replaced.classes])
      : newTeacher(rng, b.ids, subject, s.classes, [...teachers, ...arrivals]);
    arrivals.push(t);
  }
  const firstStaff = teachers.findIndex((t) => t.fonction !== 'ENS');
  if (firstStaff < 0) teachers.push(...arrivals);
  else teachers.splice(firstStaff, 0, ...arrivals);

  return { ...s, year, exportDate, classes: [...s.classes], pupils: b.pupils, teachers, parents: b.parents };
}

function renamed(rng: Rng, surname: string): string {
  const fixed = SPELLING_FIXES[surname];
  if (fixed) return fixed;
  let second: string = pick(rng, SECOND_SURNAMES);
  if (second === surname) second = 'Traoré';
  return rng() < 0.7 ? `${surname}-${second}` : `${surname} ${second}`;
}

/**
 * A mid-year update: `moves` pupils change class within their level, `leavers` get leftOn (a day
 * before the new exportDate; they stay in the SIECLE file with DATE_SORTIE), `arrivals` new pupils,
 * `renames` pupils get a corrected surname (an accent fixed when their name was typed without it,
 * otherwise a second surname added). exportDate moves forward 20 to 60 days. The pupils picked for
 * each change are distinct. Defaults: 3 moves, 2 leavers, 3 arrivals, 2 renames.
 */
export function midYear(
  s: GenSchool,
  opts: { seed: number; moves?: number; leavers?: number; arrivals?: number; renames?: number },
): { school: GenSchool; moved: string[]; left: string[]; arrived: string[]; renamed: string[] } {
  const rng = mulberry32(opts.seed);
  const exportDate = addDays(s.exportDate, int(rng, 20, 60));
  const span = daysBetween(s.exportDate, exportDate);
  const pupils = s.pupils.map(clonePupil);
  const byLevel = classesByLevel(s.classes);
  const pool = shuffled(
    rng,
    pupils.filter((p) => p.leftOn === null),
  );

  const left: string[] = [];
  for (const p of pool.splice(0, Math.min(opts.leavers ?? 2, pool.length))) {
    p.leftOn = addDays(s.exportDate, int(rng, 1, span - 1));
    left.push(p.eleveId);
  }
  const moved: string[] = [];
  const wantMoves = opts.moves ?? 3;
  for (let i = 0; i < pool.length && moved.length < wantMoves; ) {
    const p = pool[i] as GenPupil;
    const others = (byLevel.get(levelOf(p.classe)) ?? []).filter((c) => c !== p.classe);
    if (others.length === 0) {
      i++;
      continue;
    }
    p.classe = pick(rng, others);
    moved.push(p.eleveId);
    pool.splice(i, 1);
  }
  const renamedIds: string[] = [];
  for (const p of pool.splice(0, Math.min(opts.renames ?? 2, pool.length))) {
    p.surname = renamed(rng, p.surname);
    renamedIds.push(p.eleveId);
  }

  const b = builderFrom(rng, s.year, exportDate, pupils, s.parents.map(cloneParent));
  const arrived: string[] = [];
  for (let i = 0; i < (opts.arrivals ?? 3); i++) {
    const p = newPupil(b, pick(rng, s.classes), addDays(s.exportDate, int(rng, 1, span)));
    arrived.push(p.eleveId);
  }
  return {
    school: { ...s, exportDate, classes: [...s.classes], pupils: b.pupils, teachers: s.teachers.map(cloneTeacher), parents: b.parents },
    moved,
    left,
    arrived,
    renamed: renamedIds,
  };
}

// ---- encoding ---------------------------------------------------------------------------------

export type XmlEncoding = 'ISO-8859-15' | 'UTF-8';
export type CsvEncoding = 'UTF-8' | 'windows-1252' | 'ISO-8859-15';

function highCharset(encoding: string): Set<string> {
  const bytes = Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i));
  return new Set([...iconv.decode(bytes, encoding)].filter((c) => c !== '\ufffd' && c >= '\u00a0'));
}

const CHARSETS: Record<'ISO-8859-15' | 'windows-1252', Set<string>> = {
  'ISO-8859-15': highCharset('ISO-8859-15'),
  'windows-1252': highCharset('windows-1252'),
};

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** Escapes text for an XML file in `encoding`: characters it cannot hold become character references. */
function xmlEscaper(encoding: XmlEncoding): (s: string) => string {
  if (encoding === 'UTF-8') return escapeXml;
  const charset = CHARSETS[encoding];
  return (s) => {
    const escaped = escapeXml(s);
    return /[^\x00-\x7f]/.test(escaped)
      ? escaped.replace(/[^\x00-\x7f]/gu, (c) => (charset.has(c) ? c : `&#${c.codePointAt(0)};`))
      : escaped;
  };
}

function encodeText(text: string, encoding: CsvEncoding): Buffer {
  if (encoding === 'UTF-8') return Buffer.from(text, 'utf8');
  const charset = CHARSETS[encoding];
  const safe = text.replace(/[^\x00-\x7f]/gu, (c) => {
    if (charset.has(c)) return c;
    if (c === '’' || c === '‘') return "'";
    const stripped = c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return [...stripped].every((x) => x < '\u0080' || charset.has(x)) ? stripped : '?';
  });
  return iconv.encode(safe, encoding);
}

/** Builds indented XML as an array of lines (joined once). */
class XmlOut {
  readonly lines: string[] = [];
  /** Escapes a value for this file's encoding. */
  readonly esc: (s: string) => string;
  private readonly encoding: XmlEncoding;
  private depth = 0;
  private pad = '';

  constructor(encoding: XmlEncoding, doctype?: string) {
    this.encoding = encoding;
    this.esc = xmlEscaper(encoding);
    this.lines.push(`<?xml version="1.0" encoding="${encoding}"?>`);
    if (doctype) this.lines.push(doctype);
  }

  private attrs(attrs?: Record<string, string>): string {
    if (!attrs) return '';
    let out = '';
    for (const [k, v] of Object.entries(attrs)) out += ` ${k}="${this.esc(v)}"`;
    return out;
  }

  open(name: string, attrs?: Record<string, string>): this {
    this.lines.push(`${this.pad}<${name}${this.attrs(attrs)}>`);
    this.depth++;
    this.pad = '\t'.repeat(this.depth);
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.pad = '\t'.repeat(this.depth);
    this.lines.push(`${this.pad}</${name}>`);
    return this;
  }

  leaf(name: string, text: string, attrs?: Record<string, string>): this {
    this.lines.push(`${this.pad}<${name}${this.attrs(attrs)}>${this.esc(text)}</${name}>`);
    return this;
  }

  empty(name: string, attrs?: Record<string, string>): this {
    this.lines.push(`${this.pad}<${name}${this.attrs(attrs)}/>`);
    return this;
  }

  /** A raw line (already escaped), at the current depth. */
  raw(line: string): this {
    this.lines.push(this.pad + line);
    return this;
  }

  toBuffer(): Buffer {
    this.lines.push('');
    const text = this.lines.join('\n');
    return this.encoding === 'UTF-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, this.encoding);
  }
}

// ---- SIECLE -----------------------------------------------------------------------------------

/** Details derived from the pupil's id (same in every file). */
function pupilDetails(p: GenPupil) {
  const r = mulberry32(hash(p.eleveId));
  const second = r() < 0.4 ? pick(r, p.sex === 'M' ? GIVEN_M : GIVEN_F) : null;
  const usage = r() < 0.3;
  const place = pick(r, BIRTH_PLACES);
  const regime = pick(r, ['0', '2', '2', '2', '3'] as const);
  return { secondGiven: second !== p.givenName ? second : null, usage, place, regime };
}

export function siecleXml(s: GenSchool, opts: { encoding?: XmlEncoding; oldNomTag?: boolean; upperSurnames?: boolean } = {}): Buffer {
  const encoding = opts.encoding ?? 'ISO-8859-15';
  const nomTag = opts.oldNomTag ? 'NOM' : 'NOM_DE_FAMILLE';
  const sn = opts.upperSurnames === false ? (x: string) => x : upperName;
  const x = new XmlOut(encoding);
  x.open('BEE_ELEVES', { VERSION: '3.1' });
  x.open('PARAMETRES');
  x.leaf('UAJ', s.uai).leaf('ANNEE_SCOLAIRE', String(s.year)).leaf('DATE_EXPORT', frDate(s.exportDate));
  x.leaf('HORODATAGE', `${frDate(s.exportDate)} ${exportTime(s)}`);
  x.close('PARAMETRES');
  x.open('DONNEES');

  x.open('ELEVES');
  for (const p of s.pupils) {
    const d = pupilDetails(p);
    const level = levelOf(p.classe);
    const mef = MEFS[level] ?? MEFS[6];
    const expectedBirth = s.year - (17 - level);
    x.open('ELEVE', { ELEVE_ID: p.eleveId, ELENOET: p.elenoet });
    x.leaf('ID_NATIONAL', p.ine).leaf('ELENOET', p.elenoet).leaf(nomTag, sn(p.surname));
    if (d.usage) x.leaf('NOM_USAGE', sn(p.surname));
    x.leaf('PRENOM', p.givenName);
    if (d.secondGiven) x.leaf('PRENOM2', d.secondGiven);
    x.leaf('DATE_NAISS', frDate(p.birthDate));
    x.leaf('DOUBLEMENT', Number(p.birthDate.slice(0, 4)) < expectedBirth ? '1' : '0');
    x.leaf('CODE_PAYS', '100').leaf('CODE_SEXE', p.sex === 'M' ? '1' : '2');
    x.leaf('CODE_DEPARTEMENT_NAISS', d.place[1]).leaf('CODE_COMMUNE_INSEE_NAISS', d.place[2]).leaf('VILLE_NAISS', d.place[0]);
    x.leaf('CODE_REGIME', d.regime).leaf('CODE_MEF', mef?.[0] ?? '').leaf('CODE_STATUT', 'ST');
    x.leaf('DATE_ENTREE', frDate(p.enteredOn ?? `${s.year}-09-01`));
    if (p.leftOn) x.leaf('DATE_SORTIE', frDate(p.leftOn)).leaf('CODE_MOTIF_SORTIE', '09');
    x.close('ELEVE');
  }
  x.close('ELEVES');

  x.open('OPTIONS');
  for (const p of s.pupils) {
    const codes = ['030201'];
    for (const g of p.groups) {
      const gestion = GROUP_SUBJECT[g.slice(1)];
      const subject = SUBJECTS.find((sub) => sub.gestion === gestion);
      if (subject && !codes.includes(subject.code)) codes.push(subject.code);
    }
    x.open('OPTION', { ELENOET: p.elenoet });
    codes.forEach((code, i) => {
      x.raw(
        `<OPTIONS_ELEVE><NUM_OPTION>${i + 1}</NUM_OPTION><CODE_MODALITE_ELECT>${i === 0 ? 'O' : 'F'}</CODE_MODALITE_ELECT><CODE_MATIERE>${code}</CODE_MATIERE></OPTIONS_ELEVE>`,
      );
    });
    x.close('OPTION');
  }
  x.close('OPTIONS');

  x.open('STRUCTURES');
  for (const p of s.pupils) {
    x.open('STRUCTURES_ELEVE', { ELEVE_ID: p.eleveId, ELENOET: p.elenoet });
    x.open('STRUCTURE').leaf('CODE_STRUCTURE', p.classe).leaf('TYPE_STRUCTURE', 'D').close('STRUCTURE');
    for (const g of p.groups) x.open('STRUCTURE').leaf('CODE_STRUCTURE', g).leaf('TYPE_STRUCTURE', 'G').close('STRUCTURE');
    x.close('STRUCTURES_ELEVE');
  }
  x.close('STRUCTURES');

  x.close('DONNEES');
  x.close('BEE_ELEVES');
  return x.toBuffer();
}

/** ExportXML_ElevesSansAdresses.zip: one member, ElevesSansAdresses.xml. */
export function siecleZip(s: GenSchool, opts: { encoding?: XmlEncoding; oldNomTag?: boolean; upperSurnames?: boolean } = {}): Buffer {
  return buildZip([{ name: 'ElevesSansAdresses.xml', data: siecleXml(s, opts) }]);
}

export const SIECLE_ZIP_NAME = 'ExportXML_ElevesSansAdresses.zip';

// ---- STS-Web ----------------------------------------------------------------------------------

/** The school's groups and, for each, the divisions of its pupils (in class order). */
function schoolGroups(s: GenSchool): Map<string, string[]> {
  const groups = new Map<string, Set<string>>();
  for (const p of s.pupils) {
    if (p.leftOn) continue;
    for (const g of p.groups) {
      const set = groups.get(g) ?? new Set<string>();
      set.add(p.classe);
      groups.set(g, set);
    }
  }
  const order = new Map(s.classes.map((c, i) => [c, i]));
  return new Map(
    [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([g, set]) => [g, [...set].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))]),
  );
}

/** The teacher of each group: one teaching the group's subject, taken in turn. */
function groupTeachers(s: GenSchool, groups: Map<string, string[]>): Map<string, GenTeacher> {
  const out = new Map<string, GenTeacher>();
  let turn = 0;
  for (const g of groups.keys()) {
    const gestion = GROUP_SUBJECT[g.slice(1)];
    const candidates = s.teachers.filter((t) => t.fonction === 'ENS' && t.subject?.gestion === gestion);
    if (candidates.length > 0) out.set(g, candidates[turn++ % candidates.length] as GenTeacher);
  }
  return out;
}

/** The main teacher (professeur principal) of each class: among its teachers, the one with fewest so far. */
function mainTeachers(s: GenSchool): Map<string, GenTeacher> {
  const out = new Map<string, GenTeacher>();
  const count = new Map<GenTeacher, number>();
  for (const c of s.classes) {
    let best: GenTeacher | null = null;
    for (const t of s.teachers) {
      if (t.fonction !== 'ENS' || !t.classes.includes(c)) continue;
      if (!best || (count.get(t) ?? 0) < (count.get(best) ?? 0)) best = t;
    }
    if (best) {
      out.set(c, best);
      count.set(best, (count.get(best) ?? 0) + 1);
    }
  }
  return out;
}

export function stsFileName(s: GenSchool): string {
  return `sts_emp_${s.uai}_${s.year}.xml`;
}

export function stsXml(s: GenSchool, opts: { encoding?: XmlEncoding; upperSurnames?: boolean } = {}): Buffer {
  const encoding = opts.encoding ?? 'ISO-8859-15';
  const sn = opts.upperSurnames === false ? (v: string) => v : upperName;
  const groups = schoolGroups(s);
  const byGroup = groupTeachers(s, groups);
  const principal = mainTeachers(s);
  const x = new XmlOut(encoding);
  x.open('STS_EDT');
  x.open('PARAMETRES');
  x.open('UAJ', { CODE: s.uai });
  x.open('ACADEMIE').leaf('CODE', '01').leaf('LIBELLE', 'PARIS').close('ACADEMIE');
  x.leaf('SIGLE', 'CLG').leaf('DENOM_PRINC', 'COLLEGE').leaf('DENOM_COMPL', s.name.replace(/^Collège\s+/i, '').toUpperCase());
  x.close('UAJ');
  x.open('ANNEE_SCOLAIRE', { ANNEE: String(s.year) });
  x.leaf('DATE_DEBUT', `${s.year}-09-01`).leaf('DATE_FIN', `${s.year + 1}-08-31`);
  x.close('ANNEE_SCOLAIRE');
  x.leaf('HORODATAGE', `${frDate(s.exportDate)} ${exportTime(s)}`);
  x.close('PARAMETRES');

  x.open('NOMENCLATURES');
  x.open('MATIERES');
  const used = new Set<string>();
  for (const t of s.teachers) if (t.subject) used.add(t.subject.code);
  for (const g of groups.keys()) {
    const subject = SUBJECTS.find((sub) => sub.gestion === GROUP_SUBJECT[g.slice(1)]);
    if (subject) used.add(subject.code);
  }
  for (const code of [...used].sort()) {
    const subject = SUBJECT_BY_CODE.get(code);
    const own = s.teachers.find((t) => t.subject?.code === code)?.subject;
    x.open('MATIERE', { CODE: code });
    x.leaf('CODE_GESTION', own?.gestion ?? subject?.gestion ?? code);
    x.leaf('LIBELLE_COURT', subject?.short ?? own?.label ?? code);
    x.leaf('LIBELLE_LONG', own?.label ?? subject?.label ?? code);
    x.leaf('LIBELLE_EDITION', own?.label ?? subject?.label ?? code);
    x.close('MATIERE');
  }
  x.close('MATIERES');
  x.close('NOMENCLATURES');

  x.open('DONNEES');
  x.open('INDIVIDUS');
  for (const t of s.teachers) {
    const r = mulberry32(hash(t.stsId));
    const patro = t.sex === 'F' && r() < 0.3 ? pickSurname(r) : t.surname;
    x.open('INDIVIDU', { ID: t.stsId, TYPE: 'epp' });
    x.leaf('SEXE', t.sex === 'M' ? '1' : '2').leaf('CIVILITE', t.sex === 'M' ? '1' : '2');
    x.leaf('NOM_USAGE', sn(t.surname)).leaf('NOM_PATRONYMIQUE', sn(patro)).leaf('PRENOM', t.givenName);
    x.leaf('DATE_NAISSANCE', t.birthDate);
    const grade = t.fonction === 'ENS' ? (t.subject?.gestion === 'EPS' ? 'PROF EPS' : pick(r, ['CERTIFIE', 'CERTIFIE', 'CERTIFIE', 'AGREGE'])) : STAFF_DETAILS[t.fonction].grade;
    x.leaf('GRADE', grade).leaf('FONCTION', t.fonction);
    const pp = [...principal.entries()].filter(([, teacher]) => teacher === t).map(([c]) => c);
    if (pp.length > 0) {
      x.open('PROFS_PRINC');
      for (const c of pp) {
        x.open('PROF_PRINC').leaf('CODE_STRUCTURE', c).leaf('DATE_DEBUT', `${s.year}-09-01`).leaf('DATE_FIN', `${s.year + 1}-07-04`).close('PROF_PRINC');
      }
      x.close('PROFS_PRINC');
    }
    const subject = t.subject ? SUBJECT_BY_CODE.get(t.subject.code) : null;
    if (subject || t.fonction === 'DOC') {
      x.open('DISCIPLINES');
      x.open('DISCIPLINE', { CODE: subject?.discipline ?? 'L0080' });
      x.leaf('LIBELLE_COURT', subject?.disciplineLabel ?? 'DOCUMENTATION').leaf('NB_HEURES', t.fonction === 'ENS' ? '18' : '36');
      x.close('DISCIPLINE');
      x.close('DISCIPLINES');
    }
    x.close('INDIVIDU');
  }
  x.close('INDIVIDUS');

  x.open('STRUCTURE');
  x.open('DIVISIONS');
  for (const c of s.classes) {
    const bySubject = new Map<string, GenTeacher[]>();
    for (const t of s.teachers) {
      if (!t.subject || !t.classes.includes(c)) continue;
      const list = bySubject.get(t.subject.code) ?? [];
      list.push(t);
      bySubject.set(t.subject.code, list);
    }
    x.open('DIVISION', { CODE: c });
    x.leaf('LIBELLE_LONG', c);
    x.open('SERVICES');
    for (const [code, list] of bySubject) {
      x.open('SERVICE', { CODE_MATIERE: code, CODE_MOD_COURS: 'CG' });
      x.open('ENSEIGNANTS');
      for (const t of list) x.empty('ENSEIGNANT', { ID: t.stsId, TYPE: 'epp' });
      x.close('ENSEIGNANTS');
      x.close('SERVICE');
    }
    x.close('SERVICES');
    x.open('MEFS_APPARTENANCE').empty('MEF', { CODE: MEFS[levelOf(c)]?.[0] ?? '' }).close('MEFS_APPARTENANCE');
    x.close('DIVISION');
  }
  x.close('DIVISIONS');
  x.open('GROUPES');
  for (const [g, divisions] of groups) {
    const suffix = g.slice(1);
    x.open('GROUPE', { CODE: g });
    x.leaf('LIBELLE_LONG', `${g[0]}EME ${GROUP_LABELS[suffix] ?? suffix}`);
    x.open('DIVISIONS_APPARTENANCE');
    for (const d of divisions) x.empty('DIVISION_APPARTENANCE', { CODE: d });
    x.close('DIVISIONS_APPARTENANCE');
    const teacher = byGroup.get(g);
    const subject = SUBJECTS.find((sub) => sub.gestion === GROUP_SUBJECT[suffix]);
    x.open('SERVICES');
    if (teacher && subject) {
      x.open('SERVICE', { CODE_MATIERE: subject.code, CODE_MOD_COURS: 'CG' });
      x.open('ENSEIGNANTS').empty('ENSEIGNANT', { ID: teacher.stsId, TYPE: 'epp' }).close('ENSEIGNANTS');
      x.close('SERVICE');
    }
    x.close('SERVICES');
    x.close('GROUPE');
  }
  x.close('GROUPES');
  x.close('STRUCTURE');
  x.close('DONNEES');
  x.close('STS_EDT');
  return x.toBuffer();
}

// ---- AAF --------------------------------------------------------------------------------------

export type AafKind = 'Eleve' | 'PersEducNat' | 'PersRelEleve' | 'EtabEducNat';

export interface AafOptions {
  /** Complet (default) or Delta. */
  complete?: boolean;
  /** Default ISO-8859-15. */
  encoding?: XmlEncoding;
  /** aafIds emitted as deleteRequest (a Delta's departures). */
  deleted?: string[];
  /** Delta: aafIds emitted as addRequest; the others are modifyRequest (replace). */
  added?: string[];
  /** Only these aafIds (default: everyone current: pupils without leftOn, their parents, all staff). */
  only?: string[];
  upperSurnames?: boolean;
}

type Attrs = [string, string[]][];

function aafRecords(s: GenSchool, kind: AafKind, upper: boolean): { id: string; attrs: Attrs }[] {
  const struct = aafStructureJointure(s);
  const sn = upper ? upperName : (v: string) => v;
  const out: { id: string; attrs: Attrs }[] = [];
  if (kind === 'EtabEducNat') {
    const groups = schoolGroups(s);
    out.push({
      id: struct,
      attrs: [
        ['ENTStructureJointure', [struct]],
        ['ENTStructureUAI', [s.uai]],
        ['ENTEtablissementUAI', [s.uai]],
        ['ENTStructureNomCourant', [s.name.toUpperCase()]],
        ['ENTStructureTypeStruct', ['CLG']],
        ['ENTEtablissementMinistereTutelle', ['MINISTERE DE L\'EDUCATION NATIONALE']],
        ['ENTEtablissementContrat', ['PU']],
        ['ENTServAcAcademie', ['PARIS']],
        ['ENTStructureClasses', s.classes.map((c) => `${c}$${c}`)],
        ['ENTStructureGroupes', [...groups].map(([g, divs]) => [g, '0', ...divs].join('$'))],
        ['postalCode', ['75011']],
        ['l', ['PARIS']],
      ],
    });
    return out;
  }
  if (kind === 'Eleve') {
    const parentsOf = new Map<string, GenParent[]>();
    for (const parent of s.parents) {
      for (const c of parent.children) parentsOf.set(c, [...(parentsOf.get(c) ?? []), parent]);
    }
    for (const p of s.pupils) {
      const d = pupilDetails(p);
      const mef = MEFS[levelOf(p.classe)] ?? MEFS[6];
      const parents = parentsOf.get(p.aafId) ?? [];
      out.push({
        id: p.aafId,
        attrs: [
          ['ENTPersonJointure', [p.aafId]],
          ['ENTPersonDateNaissance', [frDate(p.birthDate)]],
          ['ENTPersonNomPatro', [sn(p.surname)]],
          ['sn', [sn(p.surname)]],
          ['givenName', [p.givenName]],
          ['ENTPersonAutresPrenoms', d.secondGiven ? [p.givenName, d.secondGiven] : [p.givenName]],
          ['personalTitle', [p.sex === 'M' ? 'M' : 'Mlle']],
          ['mail', ['']],
          ['ENTPersonProfils', ['National_ELV']],
          ['ENTElevePersRelEleve', parents.map((par, i) => (i === 0 ? `${par.aafId}$1$1$1$1$0` : `${par.aafId}$2$0$1$0$0`))],
          ['ENTEleveBoursier', ['N']],
          ['ENTEleveRegime', [d.regime === '0' ? 'EXTERNE LIBRE' : d.regime === '3' ? 'INTERNE' : 'DEMI-PENSIONNAIRE DANS L\'ETABLISSEMENT']],
          ['ENTEleveTransport', ['N']],
          ['ENTEleveStatutEleve', ['SCOLAIRE']],
          ['ENTEleveMEF', [mef?.[0] ?? '']],
          ['ENTEleveLibelleMEF', [mef?.[1] ?? '']],
          ['ENTEleveNivFormation', [mef?.[2] ?? '']],
          ['ENTPersonStructRattach', [struct]],
          ['ENTEleveClasses', [`${struct}$${p.classe}`]],
          ['ENTEleveGroupes', p.groups.length > 0 ? p.groups.map((g) => `${struct}$${g}`) : ['']],
        ],
      });
    }
    return out;
  }
  if (kind === 'PersRelEleve') {
    for (const par of s.parents) {
      const r = mulberry32(hash(par.aafId));
      const title = GIVEN_LOOKS_MALE.has(par.givenName) ? 'M' : 'Mme';
      out.push({
        id: par.aafId,
        attrs: [
          ['ENTPersonJointure', [par.aafId]],
          ['ENTPersonNomPatro', [sn(par.surname)]],
          ['sn', [sn(par.surname)]],
          ['givenName', [par.givenName]],
          ['personalTitle', [title]],
          ['mail', ['']],
          ['ENTPersonProfils', ['National_TUT']],
          ['ENTPersonAdresseDiffusion', [r() < 0.5 ? 'O' : 'N']],
        ],
      });
    }
    return out;
  }
  const groups = schoolGroups(s);
  const byGroup = groupTeachers(s, groups);
  const principal = mainTeachers(s);
  for (const t of s.teachers) {
    const subject = t.subject ? SUBJECT_BY_CODE.get(t.subject.code) : undefined;
    const fonction =
      t.fonction === 'ENS'
        ? `${struct}$ENS$ENSEIGNEMENT$${subject?.discipline ?? 'L0000'}$${subject?.disciplineLabel ?? t.subject?.label ?? ''}`
        : `${struct}$${STAFF_DETAILS[t.fonction].fonction}`;
    const label = t.subject?.label ?? '';
    const taughtGroups = [...byGroup].filter(([, teacher]) => teacher === t).map(([g]) => `${struct}$${g}$${label}`);
    const pp = [...principal].filter(([, teacher]) => teacher === t).map(([c]) => `${struct}$${c}`);
    const attrs: Attrs = [
      ['ENTPersonJointure', [t.aafId]],
      ['ENTPersonDateNaissance', [frDate(t.birthDate)]],
      ['ENTPersonNomPatro', [sn(t.surname)]],
      ['sn', [sn(t.surname)]],
      ['givenName', [t.givenName]],
      ['ENTPersonAutresPrenoms', [t.givenName]],
      ['personalTitle', [t.sex === 'M' ? 'M' : 'Mme']],
      ['mail', ['']],
      ['ENTPersonProfils', [t.fonction === 'ENS' ? 'National_ENS' : STAFF_DETAILS[t.fonction].profil]],
      ['ENTPersonFonctions', [fonction]],
      ['ENTPersonStructRattach', [struct]],
      ['PersEducNatPresenceDevantEleves', [t.fonction === 'ENS' ? 'O' : 'N']],
    ];
    if (t.fonction === 'ENS') {
      attrs.push(['ENTAuxEnsClassesMatieres', t.classes.map((c) => `${struct}$${c}$${label}`)]);
      attrs.push(['ENTAuxEnsGroupesMatieres', taughtGroups.length > 0 ? taughtGroups : ['']]);
      if (pp.length > 0) attrs.push(['ENTAuxEnsClassesPrincipal', pp]);
    }
    out.push({ id: t.aafId, attrs });
  }
  return out;
}

const GIVEN_LOOKS_MALE = new Set<string>([...ADULT_M, ...GIVEN_M]);

function currentIds(s: GenSchool, kind: AafKind): Set<string> {
  if (kind === 'EtabEducNat') return new Set([aafStructureJointure(s)]);
  if (kind === 'PersEducNat') return new Set(s.teachers.map((t) => t.aafId));
  const current = s.pupils.filter((p) => p.leftOn === null);
  if (kind === 'Eleve') return new Set(current.map((p) => p.aafId));
  const children = new Set(current.map((p) => p.aafId));
  return new Set(s.parents.filter((par) => par.children.some((c) => children.has(c))).map((par) => par.aafId));
}

/**
 * One AAF file (ficAlimMENESR). Complet: an addRequest for everyone current (pupils who left are
 * absent). Delta: addRequest for `added`, modifyRequest for the others emitted, deleteRequest for
 * `deleted`. Empty attributes are written as real files do (`<value></value>`).
 */
export function aafXml(s: GenSchool, kind: AafKind, opts: AafOptions = {}): Buffer {
  const encoding = opts.encoding ?? 'ISO-8859-15';
  const complete = opts.complete ?? true;
  const category = kind === 'EtabEducNat' ? 'categorieStructure' : 'categoriePersonne';
  const emit = opts.only ? new Set(opts.only) : currentIds(s, kind);
  const added = new Set(opts.added ?? []);
  const x = new XmlOut(encoding, '<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">');
  x.open('ficAlimMENESR');
  const operational = `<operationalAttributes><attr name="${category}"><value>${kind}</value></attr></operationalAttributes>`;
  const values = (list: string[]) => list.map((v) => `<value>${x.esc(v)}</value>`).join('');
  for (const rec of aafRecords(s, kind, opts.upperSurnames !== false)) {
    if (!emit.has(rec.id)) continue;
    if (complete || added.has(rec.id)) {
      x.open('addRequest').raw(operational).raw(`<identifier><id>${x.esc(rec.id)}</id></identifier>`);
      x.open('attributes');
      for (const [name, list] of rec.attrs) x.raw(`<attr name="${name}">${values(list)}</attr>`);
      x.close('attributes').close('addRequest');
    } else {
      x.open('modifyRequest').raw(operational).raw(`<identifier><id>${x.esc(rec.id)}</id></identifier>`);
      x.open('modifications');
      for (const [name, list] of rec.attrs) {
        if (name === 'ENTPersonJointure' || name === 'ENTStructureJointure') continue;
        x.raw(`<modification name="${name}" operation="replace">${values(list)}</modification>`);
      }
      x.close('modifications').close('modifyRequest');
    }
  }
  for (const id of opts.deleted ?? []) {
    x.open('deleteRequest').raw(operational).raw(`<identifier><id>${x.esc(id)}</id></identifier>`).close('deleteRequest');
  }
  x.close('ficAlimMENESR');
  return x.toBuffer();
}

/** `ENT_<ACADEMIE>_<Complet|Delta>_<yyyymmdd>_<kind>_0000.xml`; date YYYY-MM-DD or yyyymmdd, default 2026-09-01. */
export function aafFileName(kind: AafKind, opts: { complete?: boolean; date?: string; academie?: string } = {}): string {
  const date = (opts.date ?? '2026-09-01').replace(/-/g, '');
  return `ENT_${opts.academie ?? 'PARIS'}_${opts.complete === false ? 'Delta' : 'Complet'}_${date}_${kind}_0000.xml`;
}

// ---- CSV --------------------------------------------------------------------------------------

/**
 * A school's own pupil list: `Nom;Prénom;Date de naissance;Classe[;Identifiant]`, dates dd/mm/yyyy,
 * CRLF line ends, current pupils only, names in their natural case. Fields holding the separator or
 * a quote are quoted. `bom` (UTF-8 only) prefixes EF BB BF.
 */
export function pupilsCsv(
  s: GenSchool,
  opts: { separator?: ';' | ','; encoding?: CsvEncoding; bom?: boolean; withId?: boolean } = {},
): Buffer {
  const sep = opts.separator ?? ';';
  const encoding = opts.encoding ?? 'UTF-8';
  const withId = opts.withId ?? true;
  const field = (v: string) => (v.includes(sep) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines: string[] = [['Nom', 'Prénom', 'Date de naissance', 'Classe', ...(withId ? ['Identifiant'] : [])].join(sep)];
  for (const p of s.pupils) {
    if (p.leftOn) continue;
    const row = [p.surname, p.givenName, frDate(p.birthDate), p.classe];
    if (withId) row.push(p.eleveId);
    lines.push(row.map(field).join(sep));
  }
  lines.push('');
  const body = encodeText(lines.join('\r\n'), encoding);
  return opts.bom && encoding === 'UTF-8' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}
