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
