/**
 * Names of files and folders that the homework feature creates or is given: they must work for
 * the pupils' and teachers' Windows machines (through SMB) as well as on the server's Linux disk.
 * A bad name is refused with a French message saying what to change — never silently rewritten,
 * so that a teacher always knows why the folder is not called what they typed.
 */

import { MAX_PATH_DEPTH, MAX_PATH_BYTES, shown, checkEntryName } from '../core/filenames.ts';

export { checkEntryName } from '../core/filenames.ts';

export function assignmentFolderName(title: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = title.trim().replace(/\s+/g, ' ').normalize('NFC');
  if (name === '') return { ok: false, message: 'Le titre du devoir est vide : saisissez un titre.' };
  const problem = checkEntryName(name);
  if (problem) return { ok: false, message: `Titre du devoir refusé, car il sert de nom de dossier. ${problem}` };
  return { ok: true, name };
}

/**
 * A path relative to a home folder, typed or chosen by a user (`Documents/Cours/TP 1`, with `/`
 * or `\` as separators). The empty string is the home folder itself (no parts).
 */
export function safeRelativePath(rel: string): { ok: true; parts: string[] } | { ok: false; message: string } {
  if (rel === '') return { ok: true, parts: [] };
  const bytes = Buffer.byteLength(rel, 'utf8');
  if (bytes > MAX_PATH_BYTES) {
    return { ok: false, message: `Le chemin est trop long (${bytes} octets, ${MAX_PATH_BYTES} au plus) : choisissez un dossier moins profond.` };
  }
  if (rel.startsWith('/') || rel.startsWith('\\') || /^[A-Za-z]:/.test(rel)) {
    return {
      ok: false,
      message: `Le chemin « ${shown(rel)} » est absolu : indiquez un chemin à l’intérieur du dossier personnel (par exemple « Documents/Cours »).`,
    };
  }
  const parts = rel.split(/[\\/]/);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // a trailing separator
  if (parts.length > MAX_PATH_DEPTH) {
    return { ok: false, message: `Le chemin compte ${parts.length} niveaux de dossiers (${MAX_PATH_DEPTH} au plus) : choisissez un dossier moins profond.` };
  }
  for (const part of parts) {
    if (part === '') return { ok: false, message: `Le chemin « ${shown(rel)} » contient deux séparateurs de suite : retirez-en un.` };
    if (part === '..') {
      return { ok: false, message: `Le chemin « ${shown(rel)} » remonte au-dessus du dossier personnel (« .. ») : ce n’est pas permis.` };
    }
    const problem = checkEntryName(part);
    if (problem) return { ok: false, message: problem };
  }
  return { ok: true, parts };
}
