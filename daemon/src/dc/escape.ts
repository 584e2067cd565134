/**
 * Escaping for LDAP. Every value that comes from a person or an import goes through one of these
 * before it becomes part of a DN or a filter.
 */

/** Escapes an attribute value for use inside a DN (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16).padStart(2, '0')}`;
    } else if (',+"\\<>;='.includes(ch)) {
      out += `\\${ch}`;
    } else if ((i === 0 && (ch === ' ' || ch === '#')) || (i === value.length - 1 && ch === ' ')) {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Escapes a value for use inside an LDAP search filter (RFC 4515 §3). */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte === 0 || ch === '*' || ch === '(' || ch === ')' || ch === '\\' || byte >= 0x80) {
      out += `\\${byte.toString(16).padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Builds a filter from a template, escaping every interpolated value. */
export function filter(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += escapeFilterValue(String(v)) + (strings[i + 1] ?? '');
  });
  return out;
}
