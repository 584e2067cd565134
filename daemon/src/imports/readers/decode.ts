/**
 * Bytes → text: what a file's first bytes say it is (XML, text, something else), which encoding
 * it uses, and a streaming decoder. UTF-8 is decoded strictly (an invalid byte is an error, not a
 * silent "�"); the 8-bit encodings and UTF-16 go through iconv-lite's streaming decoder.
 */
import iconv from 'iconv-lite';
import type { AppError } from '../../core/errors.ts';
import { importError } from './common.ts';

/** Canonical names used here: 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-15', or any iconv-lite name. */
export type Encoding = string;

export type Sniffed = { type: 'xml'; bom: Encoding | null } | { type: 'text'; bom: Encoding | null } | { type: 'unknown'; what: string };

function bomOf(head: Buffer): Encoding | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0x3c && head[1] === 0x00 && head[2] === 0x3f && head[3] === 0x00) return 'utf-16le'; // "<?" without BOM
  if (head[0] === 0x00 && head[1] === 0x3c && head[2] === 0x00 && head[3] === 0x3f) return 'utf-16be';
  return null;
}

/** What the first bytes of a file are. */
export function sniff(head: Buffer): Sniffed {
  const bom = bomOf(head);
  let text: string;
  if (bom === 'utf-16le' || bom === 'utf-16be') {
    text = iconv.decode(head.subarray(0, head.length - (head.length % 2)), bom);
  } else {
    const body = bom ? head.subarray(3) : head;
    const what = binaryKind(body);
    if (what) return { type: 'unknown', what };
    text = body.toString('latin1');
  }
  const trimmed = text.replace(/^[\s\ufeff]+/, '');
  if (trimmed === '') return { type: 'unknown', what: 'le fichier est vide' };
  if (trimmed.startsWith('<')) return { type: 'xml', bom };
  return { type: 'text', bom };
}

function binaryKind(b: Buffer): string | null {
  const starts = (sig: number[]) => sig.every((v, i) => b[i] === v);
  if (starts([0x25, 0x50, 0x44, 0x46])) return 'c’est un document PDF, pas un export';
  if (starts([0xd0, 0xcf, 0x11, 0xe0])) return 'c’est un document Office ancien format (.xls, .doc) : enregistrez le classeur au format CSV puis importez ce CSV';
  if (starts([0x50, 0x4b])) return 'c’est une archive zip placée dans une autre archive : importez-la directement';
  if (starts([0x1f, 0x8b])) return 'c’est une archive gzip : décompressez-la et importez le fichier qu’elle contient';
  let controls = 0;
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    if (c === 0) return 'c’est un fichier binaire (image, document…), pas un export';
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1a)) controls++;
  }
  if (controls > n / 100) return 'c’est un fichier binaire (image, document…), pas un export';
  return null;
}

/** The encoding of an XML file: its BOM, else its declaration, else UTF-8. */
export function xmlEncoding(head: Buffer, bom: Encoding | null, name: string): Encoding {
  if (bom) return bom;
  const decl = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head.subarray(0, 1024).toString('latin1'));
  if (!decl?.[1]) return 'utf-8';
  return canonical(decl[1], name);
}

function canonical(declared: string, name: string): Encoding {
  const e = declared.toLowerCase().replace(/_/g, '-');
  if (e === 'utf-8' || e === 'utf8') return 'utf-8';
  if (['iso-8859-15', 'iso8859-15', 'latin-9', 'latin9'].includes(e)) return 'iso-8859-15';
  // ISO-8859-1 files are, in practice, windows-1252 (Œ, €, ’ in 0x80–0x9F): decode them as such,
  // as browsers do; the two agree on every other byte.
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'windows-1252', 'cp1252', 'us-ascii', 'ascii'].includes(e)) return 'windows-1252';
  if (e === 'utf-16') return 'utf-16le';
  if (iconv.encodingExists(e)) return e;
  throw importError('IMPORT_ENCODING', name, `encodage « ${declared} » non pris en charge (acceptés : UTF-8, ISO-8859-15, ISO-8859-1, windows-1252). Exportez le fichier de nouveau.`);
}

/** Letters on either side of a byte (ASCII letters and the Latin-1 letters À–ÿ). */
function isLetter(c: number | undefined): boolean {
  if (c === undefined) return false;
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7);
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** Bytes that ISO-8859-15 turned into letters (€ Š š Ž ž Œ œ Ÿ) where Latin-1/windows-1252 has symbols. */
const ISO15_LETTERS = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);

/**
 * The encoding of a CSV file from its first bytes: BOM; else UTF-8 when they are valid UTF-8;
 * else windows-1252 when bytes 0x80–0x9F occur (control characters in ISO-8859-15); else
 * ISO-8859-15 when one of its letters (œ = 0xBD…) stands next to a letter ("C\xBDur"); else
 * windows-1252.
 */
export function csvEncoding(head: Buffer, bom: Encoding | null): Encoding {
  if (bom) return bom;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    // not UTF-8: an 8-bit encoding
  }
  let iso15 = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i] ?? 0;
    if (c >= 0x80 && c <= 0x9f) return 'windows-1252';
    if (!iso15 && ISO15_LETTERS.has(c)) {
      const before = head[i - 1];
      const after = head[i + 1];
      if ((isLetter(before) || isLetter(after)) && !isDigit(before) && !isDigit(after)) iso15 = true;
    }
  }
  return iso15 ? 'iso-8859-15' : 'windows-1252';
}

/**
 * Decodes a byte stream chunk by chunk (a character split between two chunks is kept for the
 * next). `onInvalid` builds the error for invalid UTF-8 (the caller knows the current line).
 */
export async function* decodeChunks(chunks: AsyncIterable<Buffer>, encoding: Encoding, onInvalid: () => AppError): AsyncGenerator<string> {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of chunks) {
      let s: string;
      try {
        s = decoder.decode(chunk, { stream: true });
      } catch {
        throw onInvalid();
      }
      if (s) yield s;
    }
    let last: string;
    try {
      last = decoder.decode();
    } catch {
      throw onInvalid();
    }
    if (last) yield last;
    return;
  }
  const decoder = iconv.getDecoder(encoding as Parameters<typeof iconv.getDecoder>[0]);
  for await (const chunk of chunks) {
    const s = decoder.write(chunk);
    if (s) yield s;
  }
  const last = decoder.end();
  if (last) yield last;
}
