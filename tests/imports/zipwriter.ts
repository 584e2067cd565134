/**
 * A tiny zip writer for test fixtures: local headers, central directory, end record. Deflate
 * (node:zlib deflateRawSync) or stored; no zip64, no encryption, no data descriptors. The output is
 * deterministic: the entries' dates are given (default 2026-01-01 00:00 UTC), never "now".
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, '/' separated. Non-ASCII names get the UTF-8 flag (bit 11). */
  name: string;
  data: Uint8Array;
  /** Modification time written in DOS format (UTC fields, 2-second resolution). */
  date?: Date;
  /** 'deflate' (default; falls back to 'store' when deflating does not shrink) or 'store'. */
  method?: 'deflate' | 'store';
}

const DEFAULT_DATE = new Date(Date.UTC(2026, 0, 1, 0, 0, 0));
const MAX_U32 = 0xffffffff;

function dosTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Builds a zip archive holding `entries`, in order. */
export function zip(entries: ZipEntry[]): Buffer {
  if (entries.length > 0xffff) throw new RangeError('zip: too many entries (no zip64)');
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const utf8Name = /[^\x20-\x7e]/.test(entry.name);
    const raw = Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    let method = 0;
    let body = raw;
    if (entry.method !== 'store') {
      const deflated = deflateRawSync(raw, { level: 6 });
      if (deflated.length < raw.length) {
        method = 8;
        body = deflated;
      }
    }
    if (raw.length > MAX_U32 || body.length > MAX_U32 || offset > MAX_U32) {
      throw new RangeError('zip: entry too large (no zip64)');
    }
    const crc = crc32(raw) >>> 0;
    const { time, date } = dosTime(entry.date ?? DEFAULT_DATE);
    const flags = utf8Name ? 0x0800 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed to extract: 2.0
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk number start
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(0, 38); // external attributes
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  if (offset > MAX_U32) throw new RangeError('zip: archive too large (no zip64)');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // disk with the central directory
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // comment length
  return Buffer.concat([...locals, ...centrals, end]);
}
