/**
 * The body of an inventory agent's request to `/front/inventory.php`, and our reply: compression
 * and format only (formats.md §2.4). glpi-agent sends JSON, the legacy FusionInventory agent XML,
 * both usually zlib-compressed (RFC 1950); some send gzip, raw deflate, brotli or plain text, and a
 * few announce a compression they did not apply. Pure apart from node:zlib.
 *
 * Decompression is bounded by `maxOutputLength`: a decompression bomb stops at the limit instead
 * of filling the memory.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { AppError } from '../../core/errors.ts';

export type Compression = 'none' | 'zlib' | 'gzip' | 'deflate' | 'br';

export interface DecodedBody {
  text: string;
  compression: Compression;
  format: 'json' | 'xml';
}

const inflate = promisify(zlib.inflate);
const gunzip = promisify(zlib.gunzip);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);
const deflate = promisify(zlib.deflate);
const gzip = promisify(zlib.gzip);
const deflateRaw = promisify(zlib.deflateRaw);
const brotliCompress = promisify(zlib.brotliCompress);

/** Media type (lower-case, without parameters) → compression. */
const CONTENT_TYPES: Readonly<Record<string, Compression>> = {
  'application/x-compress-zlib': 'zlib',
  'application/x-zlib': 'zlib',
  'application/x-compress-gzip': 'gzip',
  'application/x-gzip': 'gzip',
  'application/gzip': 'gzip',
  'application/x-deflate': 'deflate',
  'application/x-compress-deflate': 'deflate',
  'application/x-br': 'br',
  'application/x-compress-br': 'br',
  'application/json': 'none',
  'application/xml': 'none',
  'text/xml': 'none',
  'text/plain': 'none',
};

const REPLY_TYPES: Readonly<Record<Exclude<Compression, 'none'>, string>> = {
  zlib: 'application/x-compress-zlib',
  gzip: 'application/x-compress-gzip',
  deflate: 'application/x-compress-deflate',
  br: 'application/x-compress-br',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The compression a Content-Type announces; null when missing or unknown (then the bytes decide). */
export function compressionFromContentType(contentType: string | undefined): Compression | null {
  if (contentType === undefined) return null;
  const media = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return CONTENT_TYPES[media] ?? null;
}

/** Guess from the magic bytes: 1f 8b gzip, a valid RFC 1950 header (78 xx) zlib, else plain. */
export function sniffCompression(body: Buffer): Compression {
  const b0 = body[0];
  const b1 = body[1];
  if (b0 === undefined || b1 === undefined) return 'none';
  if (b0 === 0x1f && b1 === 0x8b) return 'gzip';
  if (b0 === 0x78 && (b0 * 256 + b1) % 31 === 0) return 'zlib';
  return 'none';
}

/** The first byte that is not whitespace nor part of a UTF-8 BOM, or undefined. */
function firstSignificantByte(body: Buffer): number | undefined {
  let i = 0;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) i = 3;
  for (; i < body.length; i++) {
    const b = body[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  }
  return undefined;
}

function looksPlain(body: Buffer): boolean {
  const b = firstSignificantByte(body);
  return b === 0x7b /* { */ || b === 0x3c /* < */;
}

function tooLarge(maxBytes: number, compressed: boolean): AppError {
  const size = maxBytes >= 1024 * 1024 ? `${(maxBytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo` : `${Math.ceil(maxBytes / 1024)} Ko`;
  return new AppError(
    'INVENTORY_TOO_LARGE',
    `Inventaire trop volumineux : il dépasse ${size}${compressed ? ' une fois décompressé' : ''}, la limite du serveur.`,
    413,
    { maxBytes },
  );
}

function badEncoding(compression: Compression): AppError {
  return new AppError(
    'INVENTORY_BAD_ENCODING',
    `Le contenu de l’inventaire est illisible : les données compressées (${compression}) sont corrompues ou tronquées.`,
    400,
    { compression },
  );
}

async function decompress(body: Buffer, compression: Exclude<Compression, 'none'>, maxBytes: number): Promise<Buffer> {
  const opts = { maxOutputLength: maxBytes };
  try {
    switch (compression) {
      case 'zlib':
        return await inflate(body, opts);
      case 'gzip':
        return await gunzip(body, opts);
      case 'deflate':
        return await inflateRaw(body, opts);
      case 'br':
        return await brotliDecompress(body, opts);
    }
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes, true);
    throw badEncoding(compression);
  }
}

function formatOf(text: string): 'json' | 'xml' | null {
  const m = /^[\s\uFEFF]*(.)/.exec(text);
  if (m?.[1] === '{') return 'json';
  if (m?.[1] === '<') return 'xml';
  return null;
}

function badFormat(): AppError {
  return new AppError(
    'INVENTORY_BAD_FORMAT',
    'Format d’inventaire non reconnu : un document JSON (glpi-agent) ou XML (FusionInventory) est attendu.',
    400,
  );
}

/**
 * Bytes → text. UTF-8 (BOM stripped); an XML document that declares a Latin-1 / Windows-1252
 * encoding and is not valid UTF-8 is read as Windows-1252.
 */
function toText(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const head = bytes.subarray(0, 200).toString('latin1');
    if (/^\s*<\?xml[^>]*encoding\s*=\s*["'](iso-8859-1|iso-8859-15|latin-?1|windows-1252|cp1252)["']/i.test(head)) {
      return new TextDecoder('windows-1252').decode(bytes);
    }
    throw new AppError('INVENTORY_BAD_ENCODING', 'Le contenu de l’inventaire n’est pas un texte UTF-8 valide.', 400);
  }
}

/**
 * Decodes an agent's HTTP body: decompresses it as its Content-Type says (or as its magic bytes
 * say when the type is missing or unknown), then tells JSON from XML.
 * Throws AppError INVENTORY_TOO_LARGE (413), INVENTORY_BAD_ENCODING (400), INVENTORY_BAD_FORMAT (400).
 */
export async function decodeAgentBody(body: Buffer, contentType: string | undefined, opts: { maxBytes: number }): Promise<DecodedBody> {
  const announced = compressionFromContentType(contentType) ?? sniffCompression(body);
  let compression: Compression = announced;
  let bytes: Buffer;
  if (announced === 'none') {
    bytes = body;
  } else if ((announced === 'zlib' || announced === 'gzip') && looksPlain(body)) {
    // Neither magic number can start with "{" or "<": the agent announced a compression it did not apply.
    compression = 'none';
    bytes = body;
  } else {
    try {
      bytes = await decompress(body, announced, opts.maxBytes);
      // Raw deflate and brotli have no magic number: plain text may happen to "decompress".
      if (looksPlain(body) && !looksPlain(bytes)) {
        compression = 'none';
        bytes = body;
      }
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'INVENTORY_BAD_ENCODING' || !looksPlain(body)) throw err;
      compression = 'none';
      bytes = body;
    }
  }
  if (bytes.length > opts.maxBytes) throw tooLarge(opts.maxBytes, compression !== 'none');
  const text = toText(bytes);
  const format = formatOf(text);
  if (format === null) throw badFormat();
  return { text, compression, format };
}

/** Our reply, compressed like the request (the agents expect it: FusionInventory looks for 78 9c). */
export async function encodeAgentReply(text: string, compression: Compression, format: 'json' | 'xml'): Promise<{ body: Buffer; contentType: string }> {
  const raw = Buffer.from(text, 'utf8');
  switch (compression) {
    case 'none':
      return { body: raw, contentType: format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8' };
    case 'zlib':
      return { body: await deflate(raw), contentType: REPLY_TYPES.zlib };
    case 'gzip':
      return { body: await gzip(raw), contentType: REPLY_TYPES.gzip };
    case 'deflate':
      return { body: await deflateRaw(raw), contentType: REPLY_TYPES.deflate };
    case 'br':
      return { body: await brotliCompress(raw), contentType: REPLY_TYPES.br };
  }
}
