/**
 * Zip archives (SIECLE's ExportXML_ElevesSansAdresses.zip, AAF bundles), read member by member as
 * streams. Bombs are refused from the headers (size, ratio) and, since headers can lie, from the
 * bytes actually inflated: inflating stops as soon as a limit is passed.
 */
import type { Readable, Transform } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../../core/errors.ts';
import { IMPORT_LIMITS } from '../model.ts';
import { fmtInt, importError } from './common.ts';
import { fmtMegabytes } from './source.ts';

/** Most members listed in an archive. */
const MAX_ENTRIES = 1000;
/** Below this inflated size the ratio is not checked (tiny repetitive files compress very well). */
const RATIO_FLOOR = 1024 * 1024;

export function isZipMagic(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7) && head[3] === head[2] + 1;
}

export interface OpenZip {
  zip: ZipFile;
  /** Every member, in archive order (directories included). */
  entries: Entry[];
}

export async function openZip(path: string, name: string): Promise<OpenZip> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: false, strictFileNames: false, decodeStrings: true });
  } catch (err) {
    throw invalid(name, err);
  }
  try {
    const entries = await listEntries(zip, name);
    return { zip, entries };
  } catch (err) {
    zip.close();
    throw err;
  }
}

function listEntries(zip: ZipFile, name: string): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (e: Entry) => {
      entries.push(e);
      if (entries.length > MAX_ENTRIES) {
        reject(importError('IMPORT_ZIP_INVALID', name, `l’archive contient plus de ${fmtInt(MAX_ENTRIES)} fichiers : ce n’est pas un export. Importez le fichier XML ou CSV lui-même.`));
      } else zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: unknown) => reject(invalid(name, err)));
    zip.readEntry();
  });
}

function invalid(name: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const detail = err instanceof Error ? ` (${err.message})` : '';
  return importError('IMPORT_ZIP_INVALID', name, `archive zip illisible ou abîmée${detail}. Téléchargez-la de nouveau, ou importez le fichier qu’elle contient.`);
}

/** Bytes inflated so far across the members of one archive. */
export interface ZipBudget {
  total: number;
}

/**
 * One member's bytes, inflated, counted and CRC-checked. `display` is "archive.zip › member.xml".
 * Stopping the iteration early destroys the streams.
 */
export async function* memberChunks(zip: ZipFile, entry: Entry, display: string, budget: ZipBudget): AsyncGenerator<Buffer> {
  const max = IMPORT_LIMITS.maxUncompressedBytes;
  const ratio = IMPORT_LIMITS.maxZipRatio;
  if (entry.isEncrypted()) {
    throw importError('IMPORT_ZIP_INVALID', display, 'ce fichier de l’archive est protégé par un mot de passe : exportez-le sans mot de passe.');
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw importError('IMPORT_ZIP_INVALID', display, `méthode de compression ${entry.compressionMethod} non prise en charge : recréez l’archive au format zip standard (« deflate »).`);
  }
  const declared = entry.uncompressedSize;
  const packed = entry.compressedSize;
  if (declared > max) throw bomb(display, `une fois décompressé, il ferait ${fmtMegabytes(declared)} (limite : ${fmtMegabytes(max)})`);
  if (declared > RATIO_FLOOR && declared > packed * ratio) {
    throw bomb(display, `il est compressé ${fmtInt(Math.round(declared / Math.max(packed, 1)))} fois (au plus ${ratio} fois pour un export)`);
  }
  const ratioLimit = Math.max(RATIO_FLOOR, packed * ratio);

  let raw: Readable;
  try {
    raw = await zip.openReadStreamPromise(entry, { decodeFileData: false });
  } catch (err) {
    throw invalid(display, err);
  }
  let stream: Readable = raw;
  let inflate: Transform | null = null;
  if (entry.compressionMethod === 8) {
    inflate = createInflateRaw({ chunkSize: 64 * 1024 });
    const inf = inflate;
    raw.on('error', (err) => inf.destroy(err));
    stream = raw.pipe(inf);
  }
  let count = 0;
  let crc = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      count += chunk.length;
      budget.total += chunk.length;
      if (count > declared) throw bomb(display, `l’archive annonce ${fmtInt(declared)} octets mais en contient davantage`);
      if (count > ratioLimit) throw bomb(display, `il est compressé plus de ${ratio} fois`);
      if (budget.total > max) throw bomb(display, `l’archive décompressée dépasse ${fmtMegabytes(max)}`);
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid(display, err);
  } finally {
    inflate?.destroy();
    raw.destroy();
  }
  if (count !== declared || (crc >>> 0) !== entry.crc32 >>> 0) {
    throw importError('IMPORT_ZIP_INVALID', display, 'fichier de l’archive incomplet ou abîmé (taille ou somme de contrôle incorrecte). Téléchargez l’archive de nouveau.');
  }
}

function bomb(display: string, detail: string): AppError {
  return importError('IMPORT_ZIP_BOMB', display, `archive refusée : ${detail}. Ce n’est pas un export normal ; importez le fichier XML ou CSV lui-même.`);
}

/** Members worth reading: files, no macOS resource forks or hidden files. */
export function isCandidate(entry: Entry): boolean {
  const n = entry.fileName;
  if (n.endsWith('/')) return false;
  if (n.startsWith('__MACOSX/')) return false;
  const base = n.slice(n.lastIndexOf('/') + 1);
  return base !== '' && !base.startsWith('.');
}

/** An office document is a zip too: say what it is instead of "nothing recognised". */
export function officeKind(entries: Entry[]): string | null {
  const names = new Set(entries.map((e) => e.fileName));
  if (names.has('xl/workbook.xml')) return 'un classeur Excel (.xlsx) : enregistrez-le au format CSV (séparateur point-virgule) puis importez ce CSV';
  if (names.has('word/document.xml')) return 'un document Word (.docx), pas un export';
  if (names.has('content.xml') && names.has('mimetype')) return 'un document LibreOffice (.ods, .odt) : enregistrez le classeur au format CSV puis importez ce CSV';
  return null;
}
