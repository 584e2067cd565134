/**
 * A safe streaming XML reader on top of saxes. The format readers (SIECLE, STS, AAF) get open and
 * close events with the element's path and its text; this layer enforces:
 * - no DTD internal subset, no entity other than the five predefined ones (saxes never loads an
 *   external DTD nor expands declared entities: we refuse them outright — entity bombs, XXE);
 * - depth ≤ maxDepth, text ≤ maxTextLength (and saxes' own buffer bounded);
 * - well-formedness, with the line and column in French, truncated files included.
 */
import { type SaxesAttributeNS, SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppError } from '../../core/errors.ts';
import { IMPORT_LIMITS, type ParsedFile } from '../model.ts';
import { fmtInt, importError } from './common.ts';

export interface XmlEvent {
  /** "/BEE_ELEVES/DONNEES/ELEVES/ELEVE": the element's path, itself included. */
  readonly path: string;
  /** The path of its parent. */
  readonly parent: string;
  /** The line where the parser is (1-based). */
  readonly line: number;
}

export interface XmlHandler {
  /** Where to export the file again from, for messages: "SIECLE", "STS-Web"… */
  readonly source: string;
  open(name: string, attrs: Readonly<Record<string, string>>, ev: XmlEvent): void;
  /** `text`: the element's own text (raw; the handler cleans it). */
  close(name: string, text: string, ev: XmlEvent): void;
  finish(): ParsedFile;
}

/** Picks the format's handler from the root element (throws IMPORT_UNKNOWN_FORMAT for others). */
export type PickHandler = (root: string) => XmlHandler;

/** The longest text saxes may buffer internally (attribute values, comments, DTD…) before we refuse. */
const MAX_BUFFERED = IMPORT_LIMITS.maxTextLength * 16;

export async function readXml(name: string, text: AsyncIterable<string>, pick: PickHandler, lineRef: { line: number }): Promise<ParsedFile> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: string[] = [];
  const paths: string[] = [''];
  let handler: XmlHandler | null = null;
  let buf = '';
  let ending = false;
  /** The element closed last: saxes reports a mismatched close tag after closing the open element. */
  let lastClosed = '';

  const here = (): XmlEvent => {
    const path = paths[paths.length - 1] ?? '';
    return { path, parent: paths[paths.length - 2] ?? '', line: parser.line };
  };
  const where = () => `ligne ${fmtInt(parser.line)}, colonne ${fmtInt(parser.column + 1)}`;
  const source = () => handler?.source ?? 'le logiciel d’origine';
  const limit = (what: string) =>
    importError('IMPORT_XML_LIMIT', name, `${what} (${where()}). Ce n’est pas un export normal : exportez le fichier de nouveau depuis ${source()}.`);

  parser.on('error', (err: Error) => {
    const message = err.message.replace(/^.*?\d+:\d+: /, '');
    if (/undefined entity|disallowed character in entity name|empty entity name/.test(message)) {
      throw importError('IMPORT_XML_ENTITY', name, `référence à une entité non définie (${where()}). Les entités XML autres que &amp; &lt; &gt; &quot; &apos; sont refusées par sécurité : exportez le fichier de nouveau depuis ${source()}.`);
    }
    const hint = ending
      ? `Le fichier est peut-être tronqué : exportez-le de nouveau depuis ${source()}.`
      : `Le fichier a peut-être été abîmé ou modifié à la main : exportez-le de nouveau depuis ${source()}.`;
    throw importError('IMPORT_XML_MALFORMED', name, `XML mal formé ${where()} (${frenchSaxesMessage(message, lastClosed)}). ${hint}`);
  });
  parser.on('doctype', (doctype: string) => {
    if (/[[\]]|<!ENTITY/i.test(doctype)) {
      throw importError('IMPORT_XML_ENTITY', name, `le fichier déclare une DTD interne ou des entités (${where()}) : c’est refusé par sécurité (« bombe » d’entités, lecture de fichiers). Exportez le fichier de nouveau depuis ${source()}.`);
    }
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const local = localName(tag.name);
    if (stack.length >= IMPORT_LIMITS.maxDepth) throw limit(`éléments imbriqués sur plus de ${IMPORT_LIMITS.maxDepth} niveaux`);
    if (handler === null) handler = pick(local);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) {
      const value = typeof v === 'string' ? v : (v as SaxesAttributeNS).value;
      if (value.length > IMPORT_LIMITS.maxTextLength) throw limit(`attribut ${k} trop long`);
      attrs[localName(k)] = value;
    }
    stack.push(local);
    paths.push(`${paths[paths.length - 1] ?? ''}/${local}`);
    buf = '';
    handler.open(local, attrs, here());
  });
  const onText = (s: string) => {
    if (stack.length === 0) return;
    if (buf.length + s.length > IMPORT_LIMITS.maxTextLength) {
      if (s.trim() === '' && buf.trim() === '') return; // indentation only
      throw limit(`texte de plus de ${fmtInt(IMPORT_LIMITS.maxTextLength)} caractères dans l’élément ${stack[stack.length - 1]}`);
    }
    buf += s;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag: SaxesTagPlain) => {
    const local = localName(tag.name);
    const text = buf;
    buf = '';
    lastClosed = local;
    handler?.close(local, text, here());
    stack.pop();
    paths.pop();
  });

  try {
    for await (const chunk of text) {
      parser.write(chunk);
      lineRef.line = parser.line;
      // saxes keeps the text of the construct it is reading in one string: bound it.
      const pending = (parser as unknown as { text?: string }).text;
      if (typeof pending === 'string' && pending.length > MAX_BUFFERED) throw limit('texte, attribut ou commentaire démesuré');
    }
    ending = true;
    parser.close();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw importError('IMPORT_XML_MALFORMED', name, `XML illisible ${where()} (${err instanceof Error ? err.message : String(err)}). Exportez le fichier de nouveau depuis ${source()}.`);
  }
  if (handler === null) throw importError('IMPORT_XML_MALFORMED', name, `aucun élément XML dans le fichier. Exportez-le de nouveau depuis ${source()}.`);
  return (handler as XmlHandler).finish();
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

function frenchSaxesMessage(m: string, open: string | undefined): string {
  if (m.startsWith('unexpected close tag')) return open ? `balise fermante inattendue : l’élément ${open} n’est pas fermé par la bonne balise` : 'balise fermante inattendue';
  let r: RegExpExecArray | null = /^unclosed tag: (.*)$/.exec(m);
  if (r) return `balise ${r[1]} non fermée`;
  r = /^unmatched closing tag: (.*?)\.?$/.exec(m);
  if (r) return `balise fermante ${r[1]} sans balise ouvrante`;
  if (m.startsWith('unexpected end')) return 'fin de fichier inattendue';
  if (m.startsWith('document must contain a root element')) return 'aucun élément racine';
  if (m.startsWith('text data outside of root node')) return 'texte en dehors de l’élément racine';
  if (m.startsWith('documents may contain only one root')) return 'plusieurs éléments racines';
  if (m.startsWith('disallowed character')) return 'caractère interdit';
  if (m.startsWith('malformed character entity')) return 'référence de caractère invalide';
  if (m.startsWith('duplicate attribute')) return 'attribut en double';
  if (m.startsWith('unquoted attribute value') || m.startsWith('value must be quoted')) return 'valeur d’attribut sans guillemets';
  return `erreur de syntaxe : ${m}`;
}
