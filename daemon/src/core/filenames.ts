/**
 * File and folder names that are safe on both sides of the school's shares: Windows PCs over SMB
 * and the Linux server. A bad name is refused with a French message saying what to change —
 * never silently rewritten. Used wherever a name typed by someone becomes a path.
 */

const FORBIDDEN_CHARS = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/** Device names Windows reserves in every folder, with or without an extension (`nul.txt`). */
const RESERVED = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, '¹', '²', '³'].map((n) => `COM${n}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, '¹', '²', '³'].map((n) => `LPT${n}`),
]);

export const MAX_NAME_BYTES = 255;
export const MAX_PATH_DEPTH = 32;
export const MAX_PATH_BYTES = 1024;

/** How a name is shown in a message: control characters would be invisible, so they are escaped. */
export function shown(name: string): string {
  const visible = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return visible.length > 60 ? `${visible.slice(0, 57)}…` : visible;
}

/**
 * Null when `name` is acceptable as one file or folder name on Windows and on Linux;
 * otherwise a French message saying what is wrong and what to do.
 */
export function checkEntryName(name: string): string | null {
  if (name.trim() === '') return 'Le nom est vide : saisissez un nom.';
  if (name === '.' || name === '..') return `Le nom « ${name} » n’est pas permis : choisissez un vrai nom de fichier ou de dossier.`;
  for (const c of name) {
    if (FORBIDDEN_CHARS.includes(c)) {
      return `Le nom « ${shown(name)} » contient le caractère « ${c} », interdit dans un nom de fichier ou de dossier : retirez-le.`;
    }
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) {
      return `Le nom « ${shown(name)} » contient un caractère invisible (tabulation, retour à la ligne…) : retapez-le.`;
    }
  }
  // Windows ignores the extension and the spaces before it: "nul.txt" and "CON .doc" are devices too.
  const stem = (name.split('.')[0] ?? '').trimEnd().toUpperCase();
  if (RESERVED.has(stem)) return `Le nom « ${shown(name)} » est réservé par Windows : choisissez-en un autre.`;
  if (name.endsWith('.') || name.endsWith(' ')) {
    return `Le nom « ${shown(name)} » se termine par un point ou une espace, ce que Windows ne permet pas : retirez-les.`;
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    return `Le nom « ${shown(name)} » est trop long (${bytes} octets, ${MAX_NAME_BYTES} au plus ; les lettres accentuées en comptent deux) : raccourcissez-le.`;
  }
  return null;
}

/** The name of an assignment's folder, from the title the teacher typed. */
