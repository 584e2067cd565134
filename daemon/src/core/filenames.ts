/**
 * File and folder names that are safe on both sides of the school's shares: Windows PCs over SMB
 * and the Linux server. Used wherever a name typed by someone becomes a path.
 */

const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** null when `name` is acceptable as one file or folder name; otherwise a French message. */
export function checkEntryName(name: string): string | null {
  if (typeof name !== 'string' || name.trim() === '') return 'Le nom est vide : donnez un nom.';
  if (name === '.' || name === '..') return `Le nom « ${name} » n’est pas permis.`;
  const bad = /[/\\:*?"<>|]/.exec(name);
  if (bad) return `Le nom « ${name} » contient le caractère « ${bad[0]} », interdit sous Windows : retirez-le.`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'Le nom contient un caractère de contrôle : retapez-le.';
  const stem = name.split('.')[0] ?? name;
  if (RESERVED.test(name) || RESERVED.test(stem)) return `Le nom « ${name} » est réservé par Windows : choisissez-en un autre.`;
  if (/[. ]$/.test(name)) return `Le nom « ${name} » se termine par un point ou une espace, ce que Windows refuse : retirez-les.`;
  if (Buffer.byteLength(name, 'utf8') > 255) return 'Le nom est trop long (255 octets au plus) : raccourcissez-le.';
  return null;
}
