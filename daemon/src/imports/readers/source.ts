/** Bytes in: the file on disk (size checked first), read as a stream with a look at its beginning. */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { IMPORT_LIMITS } from '../model.ts';
import { fmtInt, importError } from './common.ts';

/** Stats the file before anything is read: missing, not a file, empty or over the size limit. */
export async function checkFile(path: string, name: string): Promise<number> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw importError('IMPORT_UNKNOWN_FORMAT', name, 'ce n’est pas un fichier.');
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw importError('IMPORT_NOT_FOUND', name, 'fichier introuvable.');
    throw err;
  }
  if (size > IMPORT_LIMITS.maxFileBytes) {
    throw importError(
      'IMPORT_TOO_LARGE',
      name,
      `le fichier fait ${fmtMegabytes(size)}, au-delà de la limite de ${fmtMegabytes(IMPORT_LIMITS.maxFileBytes)}. Un export SIECLE de 10 000 élèves fait environ 12 Mo : vérifiez qu’il s’agit du bon fichier.`,
    );
  }
  return size;
}

export function fmtMegabytes(bytes: number): string {
  return `${fmtInt(Math.round((bytes / (1024 * 1024)) * 10) / 10)} Mo`;
}

/** The first bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function fileChunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: 64 * 1024 });
}

/** A byte stream whose beginning can be looked at before it is consumed from the start. */
export class Peekable {
  private readonly it: AsyncIterator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private size = 0;
  private done = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** At least the first `n` bytes (all of them when the stream is shorter); `complete` when that is all. */
  async peek(n: number): Promise<{ head: Buffer; complete: boolean }> {
    while (!this.done && this.size < n) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        this.buffered.push(r.value);
        this.size += r.value.length;
      }
    }
    return { head: Buffer.concat(this.buffered), complete: this.done };
  }

  /** The whole stream, from its first byte. */
  async *rest(): AsyncGenerator<Buffer> {
    while (this.buffered.length > 0) {
      const b = this.buffered.shift();
      if (b) yield b;
    }
    while (!this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else yield r.value;
    }
  }

  /** Stops reading (destroys the underlying stream). */
  async close(): Promise<void> {
    this.buffered.length = 0;
    if (!this.done) {
      this.done = true;
      await this.it.return?.();
    }
  }
}
