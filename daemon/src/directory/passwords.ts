/**
 * Initial passwords of pupils and staff, and the rules a typed password must meet before it is
 * sent to the AD. Pure functions (no I/O); randomness comes from node:crypto's randomInt, which
 * draws uniformly (no modulo bias).
 *
 * Alphabets: no look-alike characters (l, 0, 1, I, O; staff passwords also leave out i and o), and none of the letters that move
 * between AZERTY and QWERTY keyboards (a, q, w, z, m, y), so that a password stays typable when
 * the keyboard layout of the logon screen is not the one printed on the keys.
 */
import { randomInt } from 'node:crypto';

/** Consonants of pupils' passwords (lower case; the first letter is one of them in upper case). */
export const PUPIL_CONSONANTS = 'bcdfghjknprstvx';
/**
 * Vowels of pupils' passwords. i and o stay: their look-alikes (l, 1, 0) are the ones left out.
 * a and y are left out (they move between AZERTY and QWERTY).
 */
export const PUPIL_VOWELS = 'eiou';
export const PASSWORD_DIGITS = '23456789';
export const STAFF_LOWER = 'bcdefghjknprstuvx';
export const STAFF_UPPER = STAFF_LOWER.toUpperCase();
/** Symbols of staff passwords: never a quote, a backslash or a space. */
export const STAFF_SYMBOLS = '-+=!?%*#@:';
export const STAFF_ALPHABET = STAFF_LOWER + STAFF_UPPER + PASSWORD_DIGITS + STAFF_SYMBOLS;

export const PUPIL_MIN = 6;
export const PUPIL_MAX = 32;
export const STAFF_MIN = 12;
export const STAFF_MAX = 64;
/** Longest password accepted by checkPassword. */
export const PASSWORD_MAX = 128;

const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)] as string;

function checkLength(length: number, min: number, max: number): void {
  if (!Number.isInteger(length) || length < min || length > max) {
    throw new RangeError(`password length must be an integer from ${min} to ${max}, got ${length}`);
  }
}

/**
 * A password a child can type: an upper-case consonant, then lower-case vowel/consonant in turn,
 * then exactly two digits ("Beruxe47" for 8); `length` (6 to 32) counts everything. It always has an
 * upper-case letter, a lower-case letter and a digit (AD complexity: 3 classes of 4).
 */
export function pupilPassword(length = 8): string {
  checkLength(length, PUPIL_MIN, PUPIL_MAX);
  let out = pick(PUPIL_CONSONANTS).toUpperCase();
  for (let i = 1; i < length - 2; i++) out += pick(i % 2 === 1 ? PUPIL_VOWELS : PUPIL_CONSONANTS);
  return out + pick(PASSWORD_DIGITS) + pick(PASSWORD_DIGITS);
}

/**
 * A staff member's initial password: `length` (12 to 64) characters with at least one upper-case
 * letter, one lower-case letter, one digit and one symbol (CNIL 2017: 12 characters, 4 classes).
 * One character of each class, the rest from the whole alphabet, then shuffled (Fisher–Yates with
 * crypto randomness).
 */
export function staffPassword(length = 14): string {
  checkLength(length, STAFF_MIN, STAFF_MAX);
  const chars = [pick(STAFF_UPPER), pick(STAFF_LOWER), pick(PASSWORD_DIGITS), pick(STAFF_SYMBOLS)];
  while (chars.length < length) chars.push(pick(STAFF_ALPHABET));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  // never a symbol first: a spreadsheet would read "=…", "+…", "-…" or "@…" as a formula
  const first = chars.findIndex((c) => /[A-Za-z0-9]/.test(c));
  if (first > 0) [chars[0], chars[first]] = [chars[first] as string, chars[0] as string];
  return chars.join('');
}

export interface PasswordRules {
  /** The domain's minimum length (AD's minPwdLength). */
  minLength: number;
  /** AD's complexity rule is on (pwdProperties). */
  complexity: boolean;
  /** The account's login: with complexity, the password must not contain it (when ≥ 3 characters). */
  login?: string;
  /** The account's display name: with complexity, the password must not contain any part of it of ≥ 3 characters. */
  displayName?: string;
}

/** How many of the 4 classes (upper case, lower case, digit, other) a password uses. */
function classCount(password: string): number {
  let upper = false;
  let lower = false;
  let digit = false;
  let other = false;
  for (const c of password) {
    if (/\p{Lu}/u.test(c)) upper = true;
    else if (/\p{Ll}/u.test(c)) lower = true;
    else if (/[0-9]/.test(c)) digit = true;
    else other = true;
  }
  return Number(upper) + Number(lower) + Number(digit) + Number(other);
}

/**
 * Checks a typed password against the domain's rules before it is sent to the AD. Returns a French
 * message saying what to change, or null when the password is acceptable:
 * - no control character, at least 1 and `minLength` characters, at most 128;
 * - with `complexity` (AD's rule): at least 3 of the 4 classes (upper case, lower case, digit,
 *   other), and, case-insensitively, neither the login (when it has ≥ 3 characters) nor any part of
 *   the display name of ≥ 3 characters (split on , . - _ space # and tab).
 */
export function checkPassword(password: string, opts: PasswordRules): string | null {
  if (/\p{Cc}/u.test(password)) {
    return 'Le mot de passe ne doit pas contenir de caractère de contrôle (tabulation, retour à la ligne…) : retapez-le.';
  }
  if (password.length === 0) return 'Le mot de passe est vide : saisissez-en un.';
  if (password.length < opts.minLength) {
    return `Le mot de passe est trop court : il doit contenir au moins ${opts.minLength} caractères (il en a ${password.length}).`;
  }
  if (password.length > PASSWORD_MAX) {
    return `Le mot de passe est trop long : il doit contenir au plus ${PASSWORD_MAX} caractères (il en a ${password.length}).`;
  }
  if (!opts.complexity) return null;
  if (classCount(password) < 3) {
    return 'Le mot de passe doit mélanger au moins 3 types de caractères parmi : majuscules, minuscules, chiffres et symboles.';
  }
  const lower = password.toLowerCase();
  const login = opts.login?.toLowerCase() ?? '';
  if (login.length >= 3 && lower.includes(login)) {
    return 'Le mot de passe ne doit pas contenir l’identifiant de la personne : choisissez-en un autre.';
  }
  for (const token of (opts.displayName ?? '').split(/[,.\-_ #\t]+/)) {
    if (token.length >= 3 && lower.includes(token.toLowerCase())) {
      return `Le mot de passe ne doit pas contenir « ${token} », qui fait partie du nom de la personne : choisissez-en un autre.`;
    }
  }
  return null;
}
