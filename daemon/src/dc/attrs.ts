import { Attribute, Change } from 'ldapts';

/** Building LDAP writes for AD: attributes, replace changes, and the unicodePwd value. */

export const ldapAttr = (type: string, values: (string | Buffer)[]): Attribute => new Attribute({ type, values: values as string[] });

export const ldapReplace = (type: string, values: (string | Buffer)[]): Change => new Change({ operation: 'replace', modification: ldapAttr(type, values) });

/** AD's password attribute: the password in double quotes, UTF-16 LE (set over LDAPS only). */
export const unicodePwd = (password: string): Buffer => Buffer.from(`"${password}"`, 'utf16le');
