/**
 * CSV files given to the administrator (new accounts and their initial passwords). Pure functions.
 *
 * Format: `;` separated (what French spreadsheet software expects), CRLF line ends, UTF-8 with a
 * byte order mark (so that Excel reads the accents right). A field is quoted ("…", with " doubled)
 * when it contains ; " CR or LF. A text field beginning with = + - or @ (or a tab or CR) is
 * prefixed with ' so that spreadsheet software does not run it as a formula (CSV injection);
 * numbers are written as they are.
 */

const BOM = '\uFEFF';
const EOL = '\r\n';

/** One field, escaped. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[;"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line (without its line end) from fields with the same quoting rules. */
export function csvLine(fields: (string | number | null)[]): string {
  return fields.map(csvField).join(';');
}

/** A whole CSV file: the header, then one line per row, with the BOM and CRLF line ends. */
export function csvFile(header: string[], rows: (string | number | null)[][]): string {
  return BOM + [header, ...rows].map(csvLine).join(EOL) + EOL;
}

/** One account of the new-accounts CSV. */
export interface AccountCsvRow {
  login: string;
  /** null (password no longer kept, or already handed out) → empty field. */
  password: string | null;
  /** Pupil's class; null for staff → empty field. */
  classe: string | null;
  name: string;
}

/**
 * The new-accounts CSV: header `login;password;class;name`, one line per account, `;` separated,
 * UTF-8 with BOM, CRLF; fields quoted when they contain ; " CR LF, and a leading = + - @ is
 * prefixed with ' (CSV injection in spreadsheet software).
 */
export function accountsCsv(rows: AccountCsvRow[]): string {
  return csvFile(
    ['login', 'password', 'class', 'name'],
    rows.map((r) => [r.login, r.password, r.classe, r.name]),
  );
}

/**
 * Reading CSV typed or saved by spreadsheet software: `;` `,` or tab, quoted fields with ""
 * escapes (a quoted field may span lines), CRLF or LF. The imports stream big files through
 * `CsvTokenizer`; small files (devices) use `parseCsvText`.
 */

/** The separator used on a header line: the most frequent of ; tab , outside quotes. */
export function detectSeparator(line: string): string | null {
  const counts = new Map<string, number>([
    [';', 0],
    ['\t', 0],
    [',', 0],
  ]);
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: string | null = null;
  let n = 0;
  for (const [sep, count] of counts) {
    if (count > n) {
      best = sep;
      n = count;
    }
  }
  return best;
}

export interface CsvTokenizerOptions {
  /** Longest field accepted. */
  maxField: number;
  /** The error to throw: a quote never closed, or a field longer than maxField (line where it began). */
  error(kind: 'unclosed' | 'too-long', line: number): Error;
}

/** Splits text into rows as it streams in; `line` is the physical line where each row starts. */
export class CsvTokenizer {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  private afterQuote = false;
  private pendingCR = false;
  private line = 1;
  private rowLine = 1;
  private fieldLine = 1;
  private readonly sep: string;
  private readonly opts: CsvTokenizerOptions;
  private readonly onRow: (fields: string[], line: number) => void;

  constructor(sep: string, opts: CsvTokenizerOptions, onRow: (fields: string[], line: number) => void) {
    this.sep = sep;
    this.opts = opts;
    this.onRow = onRow;
  }

  get currentLine(): number {
    return this.line;
  }

  write(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s[i] as string;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === '\n') continue;
      }
      if (this.quoted) {
        if (c === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else {
          if (c === '\n' || c === '\r') {
            this.line++;
            if (c === '\r') this.pendingCR = true;
          }
          this.push(c);
        }
        continue;
      }
      if (c === '"') {
        if (this.afterQuote) {
          // "" inside a quoted field: a literal quote, and the field goes on
          this.push('"');
          this.quoted = true;
          this.afterQuote = false;
        } else if (this.field.trim() === '') {
          this.field = '';
          this.fieldLine = this.line;
          this.quoted = true;
        } else this.push(c);
      } else if (c === this.sep) {
        this.endField();
      } else if (c === '\n' || c === '\r') {
        if (c === '\r') this.pendingCR = true;
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      } else {
        this.afterQuote = false;
        this.push(c);
      }
    }
  }

  end(): void {
    if (this.quoted) {
      throw this.opts.error('unclosed', this.fieldLine);
    }
    if (this.field !== '' || this.fields.length > 0) this.endRow();
  }

  private push(c: string): void {
    if (this.field.length >= this.opts.maxField) throw this.opts.error('too-long', this.quoted ? this.fieldLine : this.line);
    this.field += c;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.afterQuote = false;
  }

  private endRow(): void {
    this.endField();
    const fields = this.fields;
    this.fields = [];
    this.onRow(fields, this.rowLine);
  }
}

/** A small CSV text (a few thousand rows at most) parsed at once; empty rows are skipped. */
export function parseCsvText(text: string, opts: CsvTokenizerOptions): { header: string[]; rows: { line: number; fields: string[] }[] } | null {
  const body = text.replace(/^\ufeff/, '');
  const firstLine = body.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  const sep = detectSeparator(firstLine) ?? ';';
  let header: string[] | null = null;
  const rows: { line: number; fields: string[] }[] = [];
  const tokenizer = new CsvTokenizer(sep, opts, (fields, line) => {
    if (fields.every((f) => f.trim() === '')) return;
    if (header === null) header = fields.map((f) => f.trim());
    else rows.push({ line, fields });
  });
  tokenizer.write(body);
  tokenizer.end();
  return header === null ? null : { header, rows };
}
