/**
 * Import files → ParsedFile[]: SIECLE, STS-Web, AAF (XML), CSV, plain or zipped. Pure (reads the
 * file, writes nothing) and streaming: fs or zip member stream → decoder → saxes / CSV tokenizer;
 * only the small per-person records are kept. Structural problems throw AppError('IMPORT_…', 400)
 * with a French message; record problems are listed in the ParsedFile.
 */
import type { ParsedFile } from '../model.ts';
import { type ReaderContext, clean, fmtInt, importError, todayIso } from './common.ts';
import { type CsvField, ACCEPTED, readCsv } from './csv.ts';
import { csvEncoding, decodeChunks, sniff, xmlEncoding } from './decode.ts';
import { aafHandler } from './aaf.ts';
import { siecleHandler } from './siecle.ts';
import { Peekable, checkFile, fileChunks, readHead } from './source.ts';
import { stsHandler } from './sts.ts';
import { type XmlHandler, readXml } from './xml.ts';
import { type ZipBudget, isCandidate, isZipMagic, memberChunks, officeKind, openZip } from './zip.ts';

export { CSV_FIELDS, CSV_FIELD_LABELS, type CsvField } from './csv.ts';
export { aafComplete } from './aaf.ts';

export interface ReadOptions {
  /** Display name (upload name or CLI argument); used in messages and ParsedFile.name. */
  name: string;
  /** The school's UAI (config school.uai, e.g. "0751234A"); a file declaring another UAI is refused. */
  expectedUai: string;
  /** Today's date YYYY-MM-DD (tests pass a fixed one); used when a SIECLE file has no export date. */
  today?: string;
  /** CSV: explicit column mapping {header text → field}; otherwise headers are recognised by aliases. */
  csvMapping?: Record<string, CsvField>;
}

/** How much of a text file is looked at to choose its encoding. */
const CSV_SNIFF_BYTES = 1024 * 1024;

/** Reads one import file (or every import file of a zip). */
export async function readImportFile(path: string, opts: ReadOptions): Promise<ParsedFile[]> {
  const ctx: ReaderContext = { name: opts.name, expectedUai: opts.expectedUai, today: opts.today ?? todayIso() };
  const size = await checkFile(path, opts.name);
  if (size === 0) throw unknown(opts.name, 'le fichier est vide');
  const head = await readHead(path, 4);
  if (isZipMagic(head)) return readZipFile(path, ctx, opts);
  const parsed = await readStream(ctx, fileChunks(path), opts);
  if (parsed === null) throw new Error('unreachable: a plain file is never skipped');
  return [parsed];
}

function unknown(name: string, what: string) {
  return importError('IMPORT_UNKNOWN_FORMAT', name, `format non reconnu (${what}). ${ACCEPTED}`);
}

async function readZipFile(path: string, ctx: ReaderContext, opts: ReadOptions): Promise<ParsedFile[]> {
  const { zip, entries } = await openZip(path, ctx.name);
  try {
    const office = officeKind(entries);
    if (office) throw unknown(ctx.name, `c’est ${office}`);
    const budget: ZipBudget = { total: 0 };
    const files: ParsedFile[] = [];
    for (const entry of entries.filter(isCandidate)) {
      const display = `${ctx.name} › ${entry.fileName}`;
      const parsed = await readStream({ ...ctx, name: display }, memberChunks(zip, entry, display, budget), opts, true);
      if (parsed) files.push(parsed);
    }
    if (files.length === 0) {
      const names = entries.filter((e) => !e.fileName.endsWith('/')).map((e) => `« ${e.fileName} »`);
      const list = names.length === 0 ? 'elle est vide' : `elle contient ${names.slice(0, 20).join(', ')}${names.length > 20 ? `… (${names.length} fichiers)` : ''}`;
      throw importError(
        'IMPORT_ZIP_EMPTY',
        ctx.name,
        `l’archive ne contient aucun fichier d’import reconnu : ${list}. Pour SIECLE, exportez « ElevesSansAdresses.xml » (archive ExportXML_ElevesSansAdresses.zip) ; pour STS-Web, l’export « Emplois du temps » (sts_emp_<UAI>_<année>.xml).`,
      );
    }
    return files;
  } finally {
    zip.close();
  }
}

/**
 * One byte stream → ParsedFile. In a zip (`skipUnknown`), a member that is not an import file
 * gives null instead of an error.
 */
async function readStream(ctx: ReaderContext, chunks: AsyncIterable<Buffer>, opts: ReadOptions, skipUnknown = false): Promise<ParsedFile | null> {
  const src = new Peekable(chunks);
  const lineRef = { line: 1 };
  try {
    const first = await src.peek(4096);
    const kind = sniff(first.head);
    if (kind.type === 'unknown') {
      if (skipUnknown) return null;
      throw unknown(ctx.name, kind.what);
    }
    if (kind.type === 'xml') {
      const encoding = xmlEncoding(first.head, kind.bom, ctx.name);
      const text = decodeChunks(src.rest(), encoding, () => invalidUtf8(ctx.name, lineRef.line, 'le logiciel d’origine'));
      try {
        return await readXml(ctx.name, text, (root) => pickXml(ctx, root), lineRef);
      } catch (err) {
        if (skipUnknown && (err as { code?: string }).code === 'IMPORT_UNKNOWN_FORMAT') return null;
        throw err;
      }
    }
    const sniffed = await src.peek(CSV_SNIFF_BYTES);
    const encoding = csvEncoding(sniffed.head, kind.bom);
    const text = decodeChunks(src.rest(), encoding, () => invalidUtf8(ctx.name, lineRef.line, 'le tableur'));
    try {
      return await readCsv(ctx, text, { mapping: opts.csvMapping }, lineRef);
    } catch (err) {
      if (skipUnknown && (err as { code?: string }).code === 'IMPORT_UNKNOWN_FORMAT') return null;
      throw err;
    }
  } finally {
    await src.close();
  }
}

function invalidUtf8(name: string, line: number, from: string) {
  return importError(
    'IMPORT_ENCODING',
    name,
    `octets invalides en UTF-8 vers la ligne ${fmtInt(line)} : le fichier mélange des encodages ou déclare UTF-8 à tort. Exportez-le de nouveau depuis ${from} (en UTF-8, ou en ISO-8859-15 en le déclarant).`,
  );
}

/** The reader of an XML file, from its root element. */
function pickXml(ctx: ReaderContext, root: string): XmlHandler {
  switch (root) {
    case 'BEE_ELEVES':
      return siecleHandler(ctx);
    case 'STS_EDT':
      return stsHandler(ctx);
    case 'ficAlimMENESR':
      return aafHandler(ctx);
  }
  let hint = '';
  if (/^BEE_RESPONSABLES/i.test(root)) hint = 'c’est le fichier des responsables : Trousse ne crée pas de compte pour les parents. Exportez « ElevesSansAdresses.xml » depuis SIECLE';
  else if (/^BEE_/i.test(root)) hint = 'c’est un export SIECLE, mais pas celui des élèves : exportez « ElevesSansAdresses.xml » (SIECLE, Exploitation › Exports XML génériques)';
  else if (/^STS/i.test(root)) hint = 'c’est un export STS-Web, mais pas celui des emplois du temps : exportez « sts_emp_<UAI>_<année>.xml »';
  else hint = 'ce n’est pas un export SIECLE, STS-Web ni AAF';
  throw unknown(ctx.name, `élément racine « ${clean(root)} » : ${hint}`);
}
