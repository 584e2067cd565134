import t from 'tap';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { type Compression, decodeAgentBody, encodeAgentReply } from '../../daemon/src/inventory/agent/body.ts';
import { errorReply, inventoryReply, prologReply } from '../../daemon/src/inventory/agent/fusion-xml.ts';

const MAX = 8 * 1024 * 1024;
const JSON_DOC = '{"action":"contact","deviceid":"pc-salle101-03-2026-11-23-09-34-41","name":"GLPI-Agent","version":"1.7"}';
const XML_DOC = '<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST><DEVICEID>pc-salle101-03</DEVICEID><QUERY>PROLOG</QUERY><NAME>Élève</NAME></REQUEST>';

const compressors: Record<Exclude<Compression, 'none'>, (b: Buffer) => Promise<Buffer>> = {
  zlib: promisify(zlib.deflate),
  gzip: promisify(zlib.gzip),
  deflate: promisify(zlib.deflateRaw),
  br: promisify(zlib.brotliCompress),
};

/** Compresses `megabytes` MiB of zeros chunk by chunk: the bomb is built without allocating it. */
async function bomb(stream: zlib.Deflate | zlib.Gzip | zlib.BrotliCompress, megabytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const zero = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < megabytes; i++) {
    if (!stream.write(zero)) await new Promise((r) => stream.once('drain', r));
  }
  stream.end();
  await done;
  return Buffer.concat(chunks);
}

t.test('every announced content type decodes', async (t) => {
  const cases: Array<[string, Compression]> = [
    ['application/x-compress-zlib', 'zlib'],
    ['application/x-zlib', 'zlib'],
    ['application/x-compress-gzip', 'gzip'],
    ['application/x-gzip', 'gzip'],
    ['application/x-deflate', 'deflate'],
    ['application/x-compress-deflate', 'deflate'],
    ['application/x-br', 'br'],
    ['application/x-compress-br', 'br'],
    ['application/json', 'none'],
    ['application/xml', 'none'],
    ['text/xml', 'none'],
    ['text/plain', 'none'],
  ];
  for (const [type, compression] of cases) {
    for (const [doc, format] of [
      [JSON_DOC, 'json'],
      [XML_DOC, 'xml'],
    ] as const) {
      const raw = Buffer.from(doc, 'utf8');
      const body = compression === 'none' ? raw : await compressors[compression](raw);
      const got = await decodeAgentBody(body, type, { maxBytes: MAX });
      t.same(got, { text: doc, compression, format }, `${type} ${format}`);
    }
  }
  const gz = await compressors.gzip(Buffer.from(JSON_DOC));
  t.equal((await decodeAgentBody(gz, 'Application/X-Compress-Gzip; charset=UTF-8', { maxBytes: MAX })).compression, 'gzip', 'case and parameters ignored');
  t.equal((await decodeAgentBody(Buffer.from(XML_DOC), 'application/xml; charset=utf-8', { maxBytes: MAX })).format, 'xml');
});

t.test('missing or unknown type: the magic bytes decide', async (t) => {
  const raw = Buffer.from(XML_DOC);
  const z = await compressors.zlib(raw);
  t.equal(z[0], 0x78);
  t.match(await decodeAgentBody(z, undefined, { maxBytes: MAX }), { compression: 'zlib', format: 'xml', text: XML_DOC });
  t.match(await decodeAgentBody(await compressors.gzip(raw), 'application/octet-stream', { maxBytes: MAX }), { compression: 'gzip', text: XML_DOC });
  t.match(await decodeAgentBody(Buffer.from(JSON_DOC), undefined, { maxBytes: MAX }), { compression: 'none', format: 'json' });
  t.match(await decodeAgentBody(Buffer.from(JSON_DOC), 'application/x-www-form-urlencoded', { maxBytes: MAX }), { compression: 'none', format: 'json' });
});

t.test('a header that lies about compression: plain JSON/XML accepted as is', async (t) => {
  for (const type of ['application/x-compress-zlib', 'application/x-compress-gzip', 'application/x-compress-deflate', 'application/x-compress-br']) {
    const xml = await decodeAgentBody(Buffer.from(XML_DOC), type, { maxBytes: MAX });
    t.same(xml, { text: XML_DOC, compression: 'none', format: 'xml' }, `${type}, XML`);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`\r\n  ${JSON_DOC}`)]);
    const json = await decodeAgentBody(withBom, type, { maxBytes: MAX });
    t.equal(json.compression, 'none', `${type}, BOM + whitespace + JSON`);
    t.equal(json.format, 'json');
    t.equal(json.text.trim(), JSON_DOC, 'BOM stripped');
    t.equal(JSON.parse(json.text).action, 'contact');
  }
});

t.test('UTF-8: BOM stripped, accents kept; invalid bytes refused unless XML declares Latin-1', async (t) => {
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XML_DOC)]);
  const got = await decodeAgentBody(await compressors.zlib(bom), 'application/x-compress-zlib', { maxBytes: MAX });
  t.equal(got.text, XML_DOC);
  t.match(got.text, /Élève/);
  const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><REQUEST><NAME>Élève</NAME></REQUEST>', 'latin1');
  t.match((await decodeAgentBody(latin1, 'application/xml', { maxBytes: MAX })).text, /<NAME>Élève<\/NAME>/);
  await t.rejects(decodeAgentBody(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json', { maxBytes: MAX }), {
    code: 'INVENTORY_BAD_ENCODING',
    statusCode: 400,
  });
});

t.test('decompression bombs stop at the limit: 413, quickly, without allocating the output', async (t) => {
  const streams = {
    zlib: () => zlib.createDeflate({ level: 6 }),
    gzip: () => zlib.createGzip({ level: 6 }),
    br: () => zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }),
  };
  for (const [compression, make] of Object.entries(streams)) {
    const body = await bomb(make(), 200);
    t.ok(body.length < 1024 * 1024, `${compression}: 200 MiB of zeros in ${body.length} bytes`);
    const before = process.memoryUsage().arrayBuffers;
    const start = performance.now();
    await t.rejects(decodeAgentBody(body, `application/x-compress-${compression}`, { maxBytes: 1024 * 1024 }), {
      code: 'INVENTORY_TOO_LARGE',
      statusCode: 413,
      message: /trop volumineux/,
    });
    const ms = performance.now() - start;
    t.ok(ms < 2000, `${compression}: refused in ${Math.round(ms)} ms`);
    t.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, `${compression}: no large allocation`);
  }
  // The same bomb without a Content-Type (sniffed as zlib).
  const z = await bomb(zlib.createDeflate(), 200);
  await t.rejects(decodeAgentBody(z, undefined, { maxBytes: MAX }), { code: 'INVENTORY_TOO_LARGE', statusCode: 413 });
});

t.test('a plain body larger than the limit: 413; exactly at the limit: fine', async (t) => {
  const doc = `{"pad":"${'x'.repeat(1000)}"}`;
  await t.rejects(decodeAgentBody(Buffer.from(doc), 'application/json', { maxBytes: 500 }), { code: 'INVENTORY_TOO_LARGE', statusCode: 413 });
  t.equal((await decodeAgentBody(Buffer.from(doc), 'application/json', { maxBytes: doc.length })).text, doc);
  const z = await compressors.zlib(Buffer.from(doc));
  await t.rejects(decodeAgentBody(z, 'application/x-compress-zlib', { maxBytes: 500 }), { code: 'INVENTORY_TOO_LARGE' });
});

t.test('corrupt compressed data: 400 INVENTORY_BAD_ENCODING', async (t) => {
  const good = await compressors.zlib(Buffer.from(XML_DOC));
  const corrupt = Buffer.from(good);
  corrupt.fill(0x55, 2, 12);
  await t.rejects(decodeAgentBody(corrupt, 'application/x-compress-zlib', { maxBytes: MAX }), { code: 'INVENTORY_BAD_ENCODING', statusCode: 400 });
  await t.rejects(decodeAgentBody(good.subarray(0, good.length - 8), 'application/x-compress-zlib', { maxBytes: MAX }), {
    code: 'INVENTORY_BAD_ENCODING',
    message: /corrompues ou tronquées/,
  });
  const gz = await compressors.gzip(Buffer.from(XML_DOC));
  await t.rejects(decodeAgentBody(gz.subarray(0, 20), undefined, { maxBytes: MAX }), { code: 'INVENTORY_BAD_ENCODING' }, 'truncated gzip, sniffed');
  await t.rejects(decodeAgentBody(Buffer.from([0x0b, 0x99, 0x80, 0x01, 0xff, 0xff]), 'application/x-br', { maxBytes: MAX }), { code: 'INVENTORY_BAD_ENCODING' });
  await t.rejects(decodeAgentBody(Buffer.from([0x13, 0x37, 0x00, 0xff]), 'application/x-deflate', { maxBytes: MAX }), { code: 'INVENTORY_BAD_ENCODING' });
});

t.test('empty or garbage: 400 INVENTORY_BAD_FORMAT (JSON or XML expected)', async (t) => {
  for (const [what, body, type] of [
    ['empty', Buffer.alloc(0), 'application/json'],
    ['empty, no type', Buffer.alloc(0), undefined],
    ['whitespace', Buffer.from(' \r\n\t '), 'application/xml'],
    ['BOM only', Buffer.from([0xef, 0xbb, 0xbf]), undefined],
    ['text', Buffer.from('hello world'), 'text/plain'],
    ['form', Buffer.from('a=1&b=2'), undefined],
    ['zlib of garbage', zlib.deflateSync(Buffer.from('PK\x03\x04 not an inventory')), 'application/x-compress-zlib'],
    ['empty zlib', zlib.deflateSync(Buffer.alloc(0)), 'application/x-compress-zlib'],
  ] as const) {
    await t.rejects(decodeAgentBody(body, type, { maxBytes: MAX }), { code: 'INVENTORY_BAD_FORMAT', statusCode: 400, message: /JSON.*XML/ }, what);
  }
});

t.test('replies: compressed like the request, with the matching content type, and they round-trip', async (t) => {
  const types: Record<Compression, string> = {
    zlib: 'application/x-compress-zlib',
    gzip: 'application/x-compress-gzip',
    deflate: 'application/x-compress-deflate',
    br: 'application/x-compress-br',
    none: 'application/xml; charset=utf-8',
  };
  const replies = [prologReply(), inventoryReply(), errorReply('Inventaire refusé : « trop gros » & <mal formé>.')];
  for (const compression of Object.keys(types) as Compression[]) {
    for (const text of replies) {
      const { body, contentType } = await encodeAgentReply(text, compression, 'xml');
      t.equal(contentType, types[compression], `${compression} content type`);
      if (compression !== 'none') t.not(body.toString('utf8'), text, `${compression}: really compressed`);
      t.same(await decodeAgentBody(body, contentType, { maxBytes: MAX }), { text, compression, format: 'xml' }, `${compression} round trip`);
    }
    const json = '{"status":"ok","expiration":24}';
    const r = await encodeAgentReply(json, compression, 'json');
    t.equal(r.contentType, compression === 'none' ? 'application/json; charset=utf-8' : types[compression]);
    t.same(await decodeAgentBody(r.body, r.contentType, { maxBytes: MAX }), { text: json, compression, format: 'json' });
  }
  // The FusionInventory agent only recognises zlib by the bytes 78 9c.
  const z = await encodeAgentReply(prologReply(), 'zlib', 'xml');
  t.same([...z.body.subarray(0, 2)], [0x78, 0x9c]);
  t.equal(zlib.inflateSync(z.body).toString('utf8'), prologReply());
});
