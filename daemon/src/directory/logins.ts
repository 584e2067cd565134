/**
 * Logins (sAMAccountName) of pupils and staff: pure functions, no I/O.
 *
 * Rules (documented in the README):
 * - Names are reduced to ASCII: accents and other diacritics are removed (é → e, ç → c, ș → s…),
 *   ligatures and special letters are spelled out (œ → oe, æ → ae, ß → ss, ø → o, ł → l, þ → th…).
 *   Each name becomes a "login part": lower case, apostrophes removed (D’Artagnan → dartagnan),
 *   spaces, hyphens, underscores and dots become one hyphen (Le Gall → le-gall), anything else
 *   (digits, punctuation, non-Latin letters) is dropped. A name with nothing left (e.g. written only
 *   in Cyrillic) gets no automatic login: the administrator types one.
 * - The login scheme (default `{prenom}.{nom}`) combines `{prenom}` (given name),
 *   `{nom}` (surname), `{p}` (first letter of the given name), `{n}` (first letter of the surname),
 *   with at most one separator (`.`, `-` or `_`) between them; it uses the given name once and the
 *   surname once.
 * - Truncation: a login has at most 20 characters. When it is longer, the given name is shortened
 *   first, down to its first letter if needed; if that is not enough, the surname is shortened
 *   too. A hyphen left at the end of a shortened name is removed (so the login may then have
 *   19 characters). Example: Jean-Christophe de La Fontaine → jean.de-la-fontaine.
 * - Homonyms: the first person keeps the login, the next ones get a number right after it:
 *   marie.martin, marie.martin2, marie.martin3… If the number does not fit in 20 characters, the
 *   end of the login is cut to make room (and a `.`, `-` or `_` left before the number is
 *   removed). Reserved names (administrator, root, krbtgt, guest…) are never given out.
 * - Logins are compared without regard to case (AD does so): `marie.martin` is taken when
 *   `Marie.Martin` exists.
 */
import { AppError } from '../core/errors.ts';

export const DEFAULT_LOGIN_SCHEME = '{prenom}.{nom}';
/** AD's limit for a user's sAMAccountName. */
export const LOGIN_MAX = 20;
/** Highest homonym number tried by allocateLogin. */
export const MAX_HOMONYMS = 9999;

/** Latin letters that NFKD does not decompose into a base letter plus combining marks. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'TH',
  ĳ: 'ij',
  Ĳ: 'IJ',
  ı: 'i',
  // NFKD turns ŀ into "l·": map it before, so that the middle dot does not end up in the text.
  ŀ: 'l',
  Ŀ: 'L',
  ħ: 'h',
  Ħ: 'H',
  ŧ: 't',
  Ŧ: 'T',
  ĸ: 'k',
};
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'gu');

/**
 * Latin letters with diacritics and ligatures to ASCII (é → e, œ → oe, ß → ss, ø → o, ș → s…);
 * fullwidth and compatibility forms to their plain form (Ｊ → J, ﬁ → fi). Case is kept. Other
 * characters (punctuation, non-Latin letters) are left in place, without their combining marks.
 */
export function transliterate(s: string): string {
  return s
    .replace(SPECIAL_RE, (c) => SPECIAL_LETTERS[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
}

/** A name as it appears in a login: see the module's rules. "Le Gall" → "le-gall", "Дмитрий" → "". */
export function loginPart(s: string): string {
  return transliterate(s)
    .toLowerCase()
    .replace(/['’ʼ‘`]/g, '')
    .replace(/[\s\p{Pd}_.]+/gu, '-')
    .replace(/[^a-z-]/g, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

type SchemeToken = '{prenom}' | '{nom}' | '{p}' | '{n}' | '.' | '-' | '_';
const SCHEME_TOKEN_RE = /\{prenom\}|\{nom\}|\{p\}|\{n\}|[._-]/y;
const SCHEME_HELP =
  'utilisez {prenom}, {nom}, {p} (initiale du prénom), {n} (initiale du nom), séparés au plus par un « . », un « - » ou un « _ » (par exemple {prenom}.{nom} ou {p}{nom})';

function tokenizeScheme(scheme: string): SchemeToken[] | string {
  const tokens: SchemeToken[] = [];
  SCHEME_TOKEN_RE.lastIndex = 0;
  while (SCHEME_TOKEN_RE.lastIndex < scheme.length) {
    const at = SCHEME_TOKEN_RE.lastIndex;
    const m = SCHEME_TOKEN_RE.exec(scheme);
    if (!m) {
      const rest = scheme.slice(at);
      const bad = rest.startsWith('{') ? rest.slice(0, rest.indexOf('}') + 1 || undefined) : [...rest][0];
      return `Le modèle d’identifiant contient « ${bad} », qui n’est pas permis : ${SCHEME_HELP}.`;
    }
    tokens.push(m[0] as SchemeToken);
  }
  return tokens;
}

const isSeparator = (tok: SchemeToken): boolean => tok === '.' || tok === '-' || tok === '_';

/**
 * Checks a login scheme. Returns a French error message, or null when the scheme is valid: the
 * tokens `{prenom}`, `{nom}`, `{p}`, `{n}` and the separators `.`, `-`, `_`; the given name
 * (`{prenom}` or `{p}`) exactly once, the surname (`{nom}` or `{n}`) exactly once, at most one
 * separator between them, none at the start or the end.
 */
export function validateScheme(scheme: string): string | null {
  if (scheme.length === 0) return `Le modèle d’identifiant est vide : ${SCHEME_HELP}.`;
  const tokens = tokenizeScheme(scheme);
  if (typeof tokens === 'string') return tokens;
  const given = tokens.filter((tok) => tok === '{prenom}' || tok === '{p}').length;
  const surname = tokens.filter((tok) => tok === '{nom}' || tok === '{n}').length;
  if (given === 0) return `Le modèle d’identifiant doit contenir le prénom ({prenom} ou {p}) : ${SCHEME_HELP}.`;
  if (surname === 0) return `Le modèle d’identifiant doit contenir le nom ({nom} ou {n}) : ${SCHEME_HELP}.`;
  if (given > 1 || surname > 1) {
    return `Le modèle d’identifiant doit utiliser une seule fois le prénom et une seule fois le nom : ${SCHEME_HELP}.`;
  }
  const first = tokens[0] as SchemeToken;
  const last = tokens[tokens.length - 1] as SchemeToken;
  if (isSeparator(first) || isSeparator(last)) {
    return `Le modèle d’identifiant ne doit pas commencer ni finir par un séparateur : ${SCHEME_HELP}.`;
  }
  if (tokens.length > 3) return `Le modèle d’identifiant ne peut avoir qu’un seul séparateur entre le prénom et le nom : ${SCHEME_HELP}.`;
  return null;
}

const trimTrailingHyphen = (s: string): string => s.replace(/-+$/, '');

/**
 * The login of a person before homonyms are handled (see the module's rules), at most `max`
 * characters. Null when the given name or the surname has nothing usable in a login (only
 * non-Latin letters, only punctuation…). Throws an AppError (LOGIN_SCHEME_INVALID) when the scheme
 * is not valid.
 */
export function baseLogin(
  givenName: string,
  surname: string,
  scheme: string = DEFAULT_LOGIN_SCHEME,
  max: number = LOGIN_MAX,
): string | null {
  const schemeError = validateScheme(scheme);
  if (schemeError) throw new AppError('LOGIN_SCHEME_INVALID', schemeError);
  if (!Number.isInteger(max) || max < 3) throw new RangeError(`max must be an integer ≥ 3, got ${max}`);
  const tokens = tokenizeScheme(scheme) as SchemeToken[];
  const fullGiven = loginPart(givenName);
  const fullSurname = loginPart(surname);
  if (fullGiven === '' || fullSurname === '') return null;

  let given = tokens.includes('{p}') ? fullGiven.slice(0, 1) : fullGiven;
  let sur = tokens.includes('{n}') ? fullSurname.slice(0, 1) : fullSurname;
  const separators = tokens.filter(isSeparator).join('');
  const render = (): string =>
    tokens.map((tok) => (tok === '{prenom}' || tok === '{p}' ? given : tok === '{nom}' || tok === '{n}' ? sur : tok)).join('');

  let over = given.length + sur.length + separators.length - max;
  if (over > 0) {
    given = trimTrailingHyphen(given.slice(0, Math.max(1, given.length - over)));
    over = given.length + sur.length + separators.length - max;
  }
  if (over > 0) sur = trimTrailingHyphen(sur.slice(0, Math.max(1, sur.length - over)));
  return render();
}

/**
 * The login of homonym number `n`: `n` = 1 is the base itself, `n` ≥ 2 has the number appended
 * ("marie.martin2"). When the result would be longer than `max`, the base is cut to make room and
 * a `.`, `-` or `_` left at its end is removed ("jean-christophe.d300").
 */
export function withSuffix(base: string, n: number, max: number = LOGIN_MAX): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`homonym number must be an integer ≥ 1, got ${n}`);
  if (n === 1) return base;
  const suffix = String(n);
  if (max - suffix.length < 1) throw new RangeError(`no room for suffix ${suffix} in ${max} characters`);
  const room = max - suffix.length;
  const stem = base.length > room ? base.slice(0, room).replace(/[-._]+$/, '') : base;
  return stem + suffix;
}

/** Names that Samba, Windows or the server's own Unix accounts use: never given to a person. */
export const RESERVED_LOGINS: ReadonlySet<string> = new Set([
  'administrator',
  'administrateur',
  'admin',
  'guest',
  'invite',
  'krbtgt',
  'root',
  'daemon',
  'bin',
  'sys',
  'sync',
  'games',
  'man',
  'lp',
  'mail',
  'news',
  'uucp',
  'proxy',
  'www-data',
  'backup',
  'list',
  'irc',
  'nobody',
  'nogroup',
  'systemd-network',
  'sshd',
  'messagebus',
  '_apt',
  'samba',
  'trousse',
  'system',
  'operator',
  'postmaster',
  'webmaster',
  'hostmaster',
  'support',
  'dns',
  'dns-admins',
  'domain-admins',
  'domain-users',
  'schema-admins',
  'enterprise-admins',
  'everyone',
  'users',
  'guests',
]);

/** True for a reserved login (case-insensitive): the list above, machine accounts (…$), dns-…. */
export function isReserved(login: string): boolean {
  const l = login.toLowerCase();
  return RESERVED_LOGINS.has(l) || l.endsWith('$') || l.startsWith('dns-');
}

/**
 * The first free login for `base`: the base itself, then withSuffix(base, 2), withSuffix(base, 3)…
 * skipping reserved logins; deterministic (same base, same taken logins, same answer).
 * `taken` must answer without regard to case (AD compares sAMAccountName case-insensitively):
 * callers look up the lower-cased login among lower-cased existing ones, and also count the
 * logins allocated earlier in the same batch. Throws an AppError (LOGIN_EXHAUSTED) when
 * homonyms up to 9999 are all taken, or when every candidate is reserved.
 */
export function allocateLogin(base: string, taken: (login: string) => boolean, max: number = LOGIN_MAX): string {
  if (base === '') throw new RangeError('empty base login');
  if (base.toLowerCase().startsWith('dns-')) {
    throw new AppError('LOGIN_EXHAUSTED', `Les identifiants commençant par « dns- » sont réservés : choisissez un autre identifiant que « ${base} ».`, 409);
  }
  for (let n = 1; n <= MAX_HOMONYMS; n++) {
    const candidate = withSuffix(base, n, max);
    if (!isReserved(candidate) && !taken(candidate)) return candidate;
  }
  throw new AppError('LOGIN_EXHAUSTED', `Aucun identifiant libre à partir de « ${base} » : choisissez-en un vous-même.`, 409);
}

/**
 * Checks a login typed by an administrator. Returns a French error message, or null when valid:
 * 1 to 20 characters among a-z, 0-9, `.`, `-`, `_`, starting with a letter or a digit, not ending
 * with `.` or `-`, not only digits (Unix tools would take it for a user number), not reserved.
 */
export function validateLogin(login: string): string | null {
  if (login.length === 0) return 'L’identifiant est vide.';
  if (login.length > LOGIN_MAX) return `L’identifiant ne doit pas dépasser ${LOGIN_MAX} caractères (il en a ${login.length}).`;
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(login)) {
    return 'L’identifiant ne peut contenir que des lettres minuscules sans accent (a à z), des chiffres, le point, le tiret et le tiret bas (_), et doit commencer par une lettre ou un chiffre.';
  }
  if (/[.-]$/.test(login)) return 'L’identifiant ne doit pas se terminer par un point ni par un tiret.';
  if (/^[0-9]+$/.test(login)) return 'L’identifiant ne peut pas être composé uniquement de chiffres : ajoutez au moins une lettre.';
  if (isReserved(login)) return `L’identifiant « ${login} » est réservé au système : choisissez-en un autre.`;
  return null;
}
