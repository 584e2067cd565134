/** A minimal zip writer for tests: stored or deflated members, and members whose header lies. */
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

export interface ZipMemberSpec {
  name: string;
  /** The member's content (deflated unless `store`). */
  data?: Buffer | string;
  store?: boolean;
  /** Already deflated bytes, with the real uncompressed size and CRC. */
  raw?: { deflated: Buffer; size: number; crc: number };
  /** Write this uncompressed size in the headers instead of the real one. */
  declaredSize?: number;
}

export function buildZip(members: ZipMemberSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    let body: Buffer;
    let size: number;
    let crc: number;
    let method: number;
    if (m.raw) {
      body = m.raw.deflated;
      size = m.raw.size;
      crc = m.raw.crc;
      method = 8;
    } else {
      const data = typeof m.data === 'string' ? Buffer.from(m.data, 'utf8') : (m.data ?? Buffer.alloc(0));
      size = data.length;
      crc = crc32(data);
      method = m.store ? 0 : 8;
      body = m.store ? data : deflateRawSync(data);
    }
    const declared = m.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Raw deflate of `data` up to a sync flush: a byte-aligned piece that can be followed by others. */
function flushed(data: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const d = createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    d.on('data', (c: Buffer) => out.push(c));
    d.on('error', reject);
    d.write(data);
    d.flush(constants.Z_SYNC_FLUSH, () => {
      resolve(Buffer.concat(out));
      d.destroy();
    });
  });
}

/**
 * `prefix` then `megabytes` MB of the byte `fill`, deflated without ever holding them: one 1 MB
 * block deflated on its own up to a sync flush (its back-references stay inside it), repeated,
 * then an empty final block.
 */
export async function deflatedRepeat(prefix: Buffer, fill: number, megabytes: number): Promise<{ deflated: Buffer; size: number; crc: number }> {
  const mb = Buffer.alloc(1024 * 1024, fill);
  const head = prefix.length > 0 ? await flushed(prefix) : Buffer.alloc(0);
  const segment = await flushed(mb);
  let crc = crc32(prefix);
  for (let i = 0; i < megabytes; i++) crc = crc32(mb, crc);
  const parts: Buffer[] = [head];
  for (let i = 0; i < megabytes; i++) parts.push(segment);
  parts.push(Buffer.from([0x03, 0x00]));
  return { deflated: Buffer.concat(parts), size: prefix.length + megabytes * 1024 * 1024, crc };
}

/** `megabytes` MB of zeros, deflated (see deflatedRepeat). */
export function deflatedZeros(megabytes: number): Promise<{ deflated: Buffer; size: number; crc: number }> {
  return deflatedRepeat(Buffer.alloc(0), 0, megabytes);
}
