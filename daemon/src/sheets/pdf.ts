/**
 * Password sheets: an A4 PDF of cards to cut out and hand to pupils and staff, one card per
 * account (identifiant, initial password, how to log on). Pure module: input in, PDF bytes out.
 *
 * Layout: A4 portrait, 8 cards a page (2 columns × 4 rows), each card framed by dashed cut lines,
 * footer with "Découper en suivant les pointillés", the school, the set's title, the date and
 * "page N/M". Cards come in the order given (the caller sorts).
 *
 * Fonts: only the PDF standard fonts (Helvetica, Helvetica-Bold, Helvetica-Oblique, Courier-Bold),
 * nothing to embed or download. They are encoded in WinAnsi (Windows-1252): every French letter
 * (é è à ç ê ô ù ï œ Œ « » ’ …) is there; any other character goes through `toWinAnsi`, which puts
 * the closest one instead (ő → o, ł → l, ‑ → -, narrow no-break space → no-break space, else ?).
 * A login or password is never altered that way: one that cannot be printed exactly is replaced
 * by a notice on the card.
 */
import PDFDocument from 'pdfkit';

export interface SheetCard {
  /** "Zoé Lefèvre" */
  displayName: string;
  /** "zoe.lefevre" */
  login: string;
  /** null → the card says "déjà remis (demandez une réinitialisation)" instead. */
  password: string | null;
  /** "6A" for pupils, null for staff. */
  classe: string | null;
  /** "Élève", "Enseignant", "Personnel" */
  profileLabel: string;
}

export interface SheetInput {
  /** "Collège Jean Moulin" */
  school: string;
  /** What the set is: "Classe 6A", "Groupe latin", "Import du 02/09/2026". */
  title: string;
  /** NetBIOS domain shown on the PC logon screen, e.g. "MOULIN". */
  domain: string;
  /** The regional ENT address when known, else null (then the ENT line is left out). */
  entUrl: string | null;
  generatedAt: Date;
  cards: SheetCard[];
  /** IANA time zone for the date in the footer; default: the system's. */
  timeZone?: string;
}

// ---------------------------------------------------------------------------------------------
// Text helpers (pure)

/** Code points above 0xFF that WinAnsi (Windows-1252) has, hence the standard fonts. */
const WIN_ANSI_EXTRA: ReadonlySet<number> = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019,
  0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

/** True when the standard fonts can print this character (one code point). */
export function isWinAnsi(char: string): boolean {
  const cp = char.codePointAt(0) ?? 0;
  if (char.length !== String.fromCodePoint(cp).length) return false;
  // 0xAD (soft hyphen) is left out: it is invisible in text, printed it would be a hyphen.
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff && cp !== 0xad) || WIN_ANSI_EXTRA.has(cp);
}

/** Characters outside WinAnsi with a close one inside (NFKD and dropping accents do the rest). */
const CLOSEST: Readonly<Record<string, string>> = {
  // hyphens and dashes
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2212': '-', '\u2015': '—', '\u2043': '-',
  // apostrophes and quotes
  '\u02bc': '’', '\u02bb': '‘', '\u02b9': "'", '\u2032': "'", '\u2033': '"', '\u201b': '‘', '\u201f': '“',
  '\u2035': '‘', '\u00b4': '’',
  // spaces: the narrow no-break space of French typography stays unbreakable
  '\u202f': '\u00a0', '\u2007': '\u00a0', '\u2060': '', '\u200b': '', '\u200c': '', '\u200d': '', '\ufeff': '',
  '\u00ad': '',
  // letters that NFKD does not decompose
  ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ħ: 'h', Ħ: 'H', ı: 'i', ŧ: 't', Ŧ: 'T', ŋ: 'n', Ŋ: 'N', ĸ: 'k',
  ə: 'e', Ə: 'E', ɛ: 'e', Ɛ: 'E', ʒ: 'z', Ʒ: 'Z', ẞ: 'SS',
  // other signs
  '\u2044': '/', '\u2215': '/', '\u2024': '.', '\u2027': '·', '\u2219': '·', '\u25cf': '•', '\u2023': '•',
};

/**
 * Text printable with the standard fonts: NFC, then every character outside WinAnsi replaced by
 * the closest one (table above, else its compatibility decomposition without accents, e.g.
 * ő → o, ﬁ → fi, Ǆ → DZ), or "?" when there is none. Control characters (tab, line feed…) and
 * other spaces become a plain space.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const c of text.normalize('NFC')) {
    if (isWinAnsi(c)) {
      out += c;
      continue;
    }
    const near = CLOSEST[c];
    if (near !== undefined) {
      out += near;
      continue;
    }
    if (/[\p{Cc}\p{Zs}\p{Zl}\p{Zp}]/u.test(c)) {
      out += ' ';
      continue;
    }
    if (/\p{M}/u.test(c)) continue; // a combining mark left alone after NFC
    let decomposed = '';
    for (const d of c.normalize('NFKD')) {
      if (!/\p{M}/u.test(d)) decomposed += isWinAnsi(d) ? d : (CLOSEST[d] ?? '?');
    }
    out += decomposed === '' || /^\?+$/.test(decomposed) ? '?' : decomposed;
  }
  return out;
}

/** Width of `text` set in some font at `size` points. */
export type Measure = (text: string, size: number) => number;

/**
 * The largest font size from `max` down to `min` (by `step`) at which `text` fits in `maxWidth`
 * points, or null when it does not fit even at `min`.
 */
export function fitFontSize(
  text: string,
  maxWidth: number,
  measure: Measure,
  opts: { max: number; min: number; step?: number },
): number | null {
  const step = opts.step ?? 0.5;
  for (let size = opts.max; size >= opts.min - 1e-9; size -= step) {
    if (measure(text, size) <= maxWidth + 1e-6) return Math.round(size * 100) / 100;
  }
  return null;
}

/** `text` cut and ended with "…" so that it fits in `maxWidth` at `size` (unchanged when it fits). */
export function ellipsize(text: string, maxWidth: number, measure: Measure, size: number): string {
  if (measure(text, size) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0) {
    chars.pop();
    const candidate = chars.join('').trimEnd() + '…';
    if (measure(candidate, size) <= maxWidth) return candidate;
  }
  return '';
}

export interface NameFit {
  size: number;
  /** One or two lines. */
  lines: string[];
}

/** Largest and smallest sizes of the name on one line, then on two lines. */
export const NAME_ONE_LINE = { max: 16, min: 11 } as const;
export const NAME_TWO_LINES = { max: 13, min: 7 } as const;
/** Below this, a name that does not fit is cut with "…" (only for absurdly long names). */
export const NAME_FLOOR = 6;

/**
 * How to print a name in `maxWidth` points: on one line from 16 down to 11 pt; else on two lines
 * (cut at the space or hyphen that balances them best) from 13 down to 7 pt; else on one line as
 * large as fits, but not below 6 pt, cut with "…" if it must. Never wider than `maxWidth`.
 */
export function fitName(name: string, maxWidth: number, measure: Measure): NameFit {
  const one = fitFontSize(name, maxWidth, measure, NAME_ONE_LINE);
  if (one !== null) return { size: one, lines: [name] };
  let best: { lines: [string, string]; width: number } | null = null;
  for (let i = 1; i < name.length - 1; i++) {
    const c = name[i];
    let lines: [string, string] | null = null;
    if (c === ' ') lines = [name.slice(0, i).trimEnd(), name.slice(i + 1).trimStart()];
    else if (c === '-') lines = [name.slice(0, i + 1), name.slice(i + 1)];
    if (lines === null || lines[0] === '' || lines[1] === '') continue;
    const width = Math.max(measure(lines[0], 1), measure(lines[1], 1));
    if (best === null || width < best.width) best = { lines, width };
  }
  if (best !== null) {
    const lines = best.lines;
    const size = fitFontSize(lines[0].length > lines[1].length ? lines[0] : lines[1], maxWidth, (_t, s) => Math.max(measure(lines[0], s), measure(lines[1], s)), NAME_TWO_LINES);
    if (size !== null) return { size, lines };
  }
  const w1 = measure(name, 1);
  const size = Math.max(NAME_FLOOR, Math.floor((w1 > 0 ? maxWidth / w1 : NAME_ONE_LINE.max) * 2) / 2);
  return { size, lines: [ellipsize(name, maxWidth, measure, size)] };
}

export interface PasswordFit {
  size: number;
  /** The password cut into lines of equal length (the last one may be shorter); joined, they give it back. */
  lines: string[];
}

/** Sizes of a password on one line, then on several (long staff passwords). */
export const PASSWORD_ONE_LINE = { max: 18, min: 11 } as const;
export const PASSWORD_LINES = { max: 14, min: 9 } as const;
const PASSWORD_MAX_LINES = 4;

/**
 * How to print a password in `maxWidth` points without ever cutting or hiding a character: on one
 * line from 18 down to 11 pt (large enough for a child to copy), else cut into 2, 3 or 4 lines of
 * equal length from 14 down to 9 pt, else 4 lines as large as fits.
 */
export function fitPassword(password: string, maxWidth: number, measure: Measure): PasswordFit {
  const chars = [...password];
  const split = (n: number): string[] => {
    const per = Math.max(1, Math.ceil(chars.length / n));
    const lines: string[] = [];
    for (let i = 0; i < chars.length; i += per) lines.push(chars.slice(i, i + per).join(''));
    return lines.length > 0 ? lines : [''];
  };
  const widest = (lines: string[]): ((t: string, size: number) => number) => (_t, size) =>
    Math.max(...lines.map((l) => measure(l, size)));
  for (let n = 1; n <= PASSWORD_MAX_LINES && n <= Math.max(1, chars.length); n++) {
    const lines = split(n);
    const size = fitFontSize(password, maxWidth, widest(lines), n === 1 ? PASSWORD_ONE_LINE : PASSWORD_LINES);
    if (size !== null) return { size, lines };
  }
  const lines = split(PASSWORD_MAX_LINES);
  const w1 = widest(lines)('', 1);
  return { size: Math.floor((w1 > 0 ? maxWidth / w1 : PASSWORD_LINES.min) * 4) / 4, lines };
}

// ---------------------------------------------------------------------------------------------
// Layout (points; A4 is 595.28 × 841.89)

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN_X = 28.35; // 1 cm
const MARGIN_TOP = 28.35;
const FOOTER_H = 42.5; // 1.5 cm under the cards
const COLS = 2;
const ROWS = 4;
export const CARDS_PER_PAGE = COLS * ROWS;
const CARD_W = (PAGE_W - 2 * MARGIN_X) / COLS;
const CARD_H = (PAGE_H - MARGIN_TOP - FOOTER_H) / ROWS;
/** The grid, for tests: page size, margins and the cells of the cards (points). */
export const SHEET_LAYOUT = {
  pageW: PAGE_W,
  pageH: PAGE_H,
  marginX: MARGIN_X,
  marginTop: MARGIN_TOP,
  footerH: FOOTER_H,
  cols: COLS,
  rows: ROWS,
  cardW: CARD_W,
  cardH: CARD_H,
} as const;
const PAD_X = 14;
const PAD_TOP = 13;
const PAD_BOTTOM = 10;
const INNER_W = CARD_W - 2 * PAD_X;
/** x of the values (login, password) after their labels. */
const VALUE_X = 74;

const INK = '#000000';
const GREY = '#555555';
const LIGHT = '#999999';
const BOX = '#ececec';

const HELVETICA = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const MONO = 'Courier-Bold';

export const ALREADY_GIVEN = 'déjà remis (demandez une réinitialisation)';
export const NOT_PRINTABLE = 'non imprimable (caractères spéciaux) : demandez une réinitialisation';
export const EMPTY_MESSAGE = 'Aucun compte dans cette sélection.';
export const CUT_HINT = 'Découper en suivant les pointillés';

const NBSP = '\u00a0';

/** The instructions printed on a card (French, with no-break spaces before the colons). */
export function cardInstructions(card: SheetCard, domain: string, entUrl: string | null): string[] {
  const out = [`Sur un ordinateur du collège${NBSP}: tapez l’identifiant et le mot de passe (domaine ${domain}).`];
  if (entUrl !== null && entUrl.trim() !== '') out.push(`Sur l’ENT${NBSP}: ${entUrl.trim()}`);
  out.push(`Gardez ce code pour vous${NBSP}: ne le prêtez à personne.`);
  if (card.classe === null) out.push('Vous devrez peut-être choisir un nouveau mot de passe à la première connexion.');
  return out;
}

/** "Classe 6A" for a pupil, else the profile ("Enseignant"). */
export function cardGroupLabel(card: SheetCard): string {
  return card.classe !== null ? `Classe ${card.classe}` : card.profileLabel;
}

type Doc = PDFKit.PDFDocument;

function measurer(doc: Doc, font: string): Measure {
  return (text, size) => doc.font(font).fontSize(size).widthOfString(text);
}

/** One line of text with its baseline at y, never wrapped. */
function line(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  o: { font: string; size: number; color?: string; width?: number; align?: 'left' | 'right' | 'center' },
): void {
  doc
    .font(o.font)
    .fontSize(o.size)
    .fillColor(o.color ?? INK)
    .text(text, x, y, {
      lineBreak: false,
      baseline: 'alphabetic',
      ...(o.width !== undefined ? { width: o.width } : {}),
      ...(o.align !== undefined ? { align: o.align } : {}),
    });
}

/** Dashed cut lines around the used cells of a page, each edge drawn once. */
function cutLines(doc: Doc, count: number): void {
  const edges = new Map<string, [number, number, number, number]>();
  const add = (x1: number, y1: number, x2: number, y2: number): void => {
    edges.set(`${x1.toFixed(2)},${y1.toFixed(2)},${x2.toFixed(2)},${y2.toFixed(2)}`, [x1, y1, x2, y2]);
  };
  for (let i = 0; i < count; i++) {
    const x = MARGIN_X + (i % COLS) * CARD_W;
    const y = MARGIN_TOP + Math.floor(i / COLS) * CARD_H;
    add(x, y, x + CARD_W, y);
    add(x, y + CARD_H, x + CARD_W, y + CARD_H);
    add(x, y, x, y + CARD_H);
    add(x + CARD_W, y, x + CARD_W, y + CARD_H);
  }
  doc.save().lineWidth(0.6).strokeColor(LIGHT).dash(4, { space: 3 });
  for (const [x1, y1, x2, y2] of edges.values()) doc.moveTo(x1, y1).lineTo(x2, y2).stroke();
  doc.undash().restore();
}

/** A login or password exactly as it must be typed, or null when the standard fonts cannot print it. */
function exact(value: string): string | null {
  return toWinAnsi(value) === value && !/[\u00a0\u00ad]/.test(value) ? value : null;
}

function drawCard(doc: Doc, card: SheetCard, input: SheetInput, x0: number, y0: number): void {
  const x = x0 + PAD_X;
  const right = x0 + CARD_W - PAD_X;

  // Top row: school (small, grey) on the left, class or profile (bold) on the right.
  const group = toWinAnsi(cardGroupLabel(card));
  const groupSize = fitFontSize(group, INNER_W / 2, measurer(doc, BOLD), { max: 10, min: 7 }) ?? 7;
  const groupShown = ellipsize(group, INNER_W / 2, measurer(doc, BOLD), groupSize);
  const groupW = measurer(doc, BOLD)(groupShown, groupSize);
  const topY = y0 + PAD_TOP + 8;
  line(doc, groupShown, right - groupW, topY, { font: BOLD, size: groupSize });
  const school = ellipsize(toWinAnsi(input.school), INNER_W - groupW - 10, measurer(doc, HELVETICA), 8);
  line(doc, school, x, topY, { font: HELVETICA, size: 8, color: GREY });

  // Full name: one line up to 16 pt, or two smaller lines, in a band of fixed height.
  const nameTop = y0 + PAD_TOP + 16;
  const name = fitName(toWinAnsi(card.displayName), INNER_W, measurer(doc, BOLD));
  const lineH = name.size * 1.15;
  const bandH = 32;
  let baseline = nameTop + (bandH - lineH * name.lines.length) / 2 + name.size * 0.8;
  for (const l of name.lines) {
    line(doc, l, x, baseline, { font: BOLD, size: name.size });
    baseline += lineH;
  }

  // Identifiant and mot de passe, values in Courier-Bold.
  const valueX = x + VALUE_X;
  const valueW = right - valueX;
  const mono = measurer(doc, MONO);
  const loginY = y0 + PAD_TOP + 64;
  line(doc, `Identifiant${NBSP}:`, x, loginY, { font: HELVETICA, size: 9.5 });
  const login = exact(card.login);
  if (login !== null) {
    const size = fitFontSize(login, valueW, mono, { max: 13, min: 7 }) ?? 7;
    line(doc, login, valueX, loginY, { font: MONO, size });
  } else {
    doc.font(ITALIC).fontSize(8).fillColor(INK).text(NOT_PRINTABLE, valueX, loginY - 7, { width: valueW, lineGap: 0 });
  }

  const pwY = y0 + PAD_TOP + 89;
  line(doc, `Mot de passe${NBSP}:`, x, pwY, { font: HELVETICA, size: 9.5 });
  const password = card.password === null ? null : exact(card.password);
  let below = pwY + 12; // where the instructions may begin
  if (password !== null) {
    const fit = fitPassword(password, valueW - 8, mono);
    const lh = fit.size * 1.2;
    const w = Math.max(...fit.lines.map((l) => mono(l, fit.size)));
    const boxH = fit.size * 0.3 + (fit.lines.length - 1) * lh + fit.size * 0.85;
    doc.save().roundedRect(valueX - 4, pwY - fit.size * 0.85, w + 8, boxH, 3).fill(BOX).restore();
    fit.lines.forEach((l, i) => {
      line(doc, l, valueX, pwY + i * lh, { font: MONO, size: fit.size });
    });
    below = Math.max(below, pwY - fit.size * 0.85 + boxH + 5);
  } else {
    const text = card.password === null ? ALREADY_GIVEN : NOT_PRINTABLE;
    doc.font(ITALIC).fontSize(8.5).fillColor(INK).text(text, valueX, pwY - 8, { width: valueW, lineGap: 0 });
    below = Math.max(below, doc.y + 4);
  }

  // Instructions, anchored to the bottom of the card; smaller type when they are long.
  const items = cardInstructions(card, toWinAnsi(input.domain), input.entUrl === null ? null : toWinAnsi(input.entUrl));
  const textW = INNER_W - 8;
  const top = below;
  const bottom = y0 + CARD_H - PAD_BOTTOM;
  const heightAt = (size: number): number =>
    items.reduce((h, t) => h + doc.font(HELVETICA).fontSize(size).heightOfString(t, { width: textW, lineGap: 0.3 }) + 1.5, 0);
  let size = 9;
  while (size > 5.5 && heightAt(size) > bottom - top) size -= 0.25;
  let y = bottom - heightAt(size);
  for (const item of items) {
    doc.font(HELVETICA).fontSize(size).fillColor(GREY).text('•', x, y, { lineBreak: false });
    doc.fillColor(INK).text(item, x + 8, y, { width: textW, lineGap: 0.3 });
    y += doc.heightOfString(item, { width: textW, lineGap: 0.3 }) + 1.5;
  }
}

function footer(doc: Doc, input: SheetInput, page: number, pages: number, withHint: boolean): void {
  const y = PAGE_H - FOOTER_H + 20;
  const size = 7.5;
  const m = measurer(doc, HELVETICA);
  const pageText = `page ${page}/${pages}`;
  const date = new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'short',
    timeStyle: 'short',
    ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
  }).format(input.generatedAt);
  const hintW = withHint ? m(CUT_HINT, size) + 12 : 0;
  const pageW = m(pageText, size) + 12;
  const centreW = PAGE_W - 2 * MARGIN_X - 2 * Math.max(hintW, pageW);
  // The school is shortened first, then (if still too long) the whole line.
  const rest = toWinAnsi(` — ${input.title} — ${date.replace(' ', ' à ')}`);
  const school = ellipsize(toWinAnsi(input.school), Math.max(60, centreW - m(rest, size)), m, size);
  const centre = ellipsize(school + rest, centreW, m, size);
  if (withHint) line(doc, CUT_HINT, MARGIN_X, y, { font: HELVETICA, size, color: GREY });
  line(doc, centre, MARGIN_X, y, { font: HELVETICA, size, color: GREY, width: PAGE_W - 2 * MARGIN_X, align: 'center' });
  line(doc, pageText, MARGIN_X, y, { font: HELVETICA, size, color: GREY, width: PAGE_W - 2 * MARGIN_X, align: 'right' });
}

/** The password sheets of `input.cards` as a PDF (8 cards an A4 page; one page with a message when there are none). */
export async function renderSheets(input: SheetInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'portrait',
    margin: 0,
    autoFirstPage: false,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      // No Author: nothing personal in the metadata.
      Title: `Codes d’accès — ${input.title}`,
      Subject: input.school,
      Creator: 'Trousse',
      Producer: 'Trousse',
      CreationDate: input.generatedAt,
      ModDate: input.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const pages = Math.max(1, Math.ceil(input.cards.length / CARDS_PER_PAGE));
  if (input.cards.length === 0) {
    doc.addPage();
    line(doc, toWinAnsi(`Codes d’accès — ${input.title}`), MARGIN_X, 120, { font: BOLD, size: 16, width: PAGE_W - 2 * MARGIN_X, align: 'center' });
    line(doc, toWinAnsi(input.school), MARGIN_X, 142, { font: HELVETICA, size: 11, color: GREY, width: PAGE_W - 2 * MARGIN_X, align: 'center' });
    line(doc, EMPTY_MESSAGE, MARGIN_X, 190, { font: HELVETICA, size: 12, width: PAGE_W - 2 * MARGIN_X, align: 'center' });
    footer(doc, input, 1, 1, false);
  }
  for (let p = 0; p < pages && input.cards.length > 0; p++) {
    doc.addPage();
    const cards = input.cards.slice(p * CARDS_PER_PAGE, (p + 1) * CARDS_PER_PAGE);
    cutLines(doc, cards.length);
    cards.forEach((card, i) => {
      drawCard(doc, card, input, MARGIN_X + (i % COLS) * CARD_W, MARGIN_TOP + Math.floor(i / COLS) * CARD_H);
    });
    footer(doc, input, p + 1, pages, true);
  }
  doc.end();
  return done;
}
