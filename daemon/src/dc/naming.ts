import type { SchoolConfig } from '../core/config.ts';
import { AppError } from '../core/errors.ts';

/** Identity of the school's AD domain, derived from the school's settings. */
export interface DomainIdentity {
  /** DNS domain, lower case (e.g. e0751234a.lan). */
  dnsDomain: string;
  /** Kerberos realm: the DNS domain in upper case. */
  realm: string;
  /** NetBIOS domain name (≤ 15 characters, upper case). */
  netbiosName: string;
  /** Base DN of the domain (DC=e0751234a,DC=lan). */
  baseDn: string;
  /** DC host name (NetBIOS computer name, lower case) and its FQDN (matches the DC's certificate). */
  hostName: string;
  fqdn: string;
}

/**
 * Rules (documented in the README):
 * - DNS domain: `school.dnsDomain` if set, otherwise `e<uai>.lan` (e.g. e0751234a.lan): the UAI is unique
 *   nationally, `.lan` is never routed on the internet, and `.local` is avoided (mDNS).
 * - NetBIOS name: `school.netbiosName` if set, otherwise the first label of the DNS domain, upper case,
 *   letters/digits/hyphens only, cut to 15 characters; it must start with a letter.
 * - The DC's host name must differ from the NetBIOS domain name.
 */
export function deriveDomain(school: SchoolConfig, hostName: string): DomainIdentity {
  const dnsDomain = (school.dnsDomain ?? `e${school.uai}.lan`).toLowerCase();
  const firstLabel = dnsDomain.split('.')[0] ?? '';
  const netbiosName = (school.netbiosName ?? firstLabel.replace(/[^a-z0-9-]/g, '').slice(0, 15)).toUpperCase();
  if (!/^[A-Z][A-Z0-9-]{0,14}$/.test(netbiosName)) {
    throw new AppError(
      'DOMAIN_NETBIOS_INVALID',
      `Le nom NetBIOS déduit « ${netbiosName} » n’est pas valable (une lettre puis 14 lettres, chiffres ou tirets au plus) : indiquez school.netbiosName.`,
    );
  }
  const host = hostName.toLowerCase();
  if (host.toUpperCase() === netbiosName) {
    throw new AppError(
      'DOMAIN_HOST_CLASH',
      `Le nom du serveur (dc.hostName = ${hostName}) doit être différent du nom NetBIOS du domaine (${netbiosName}).`,
    );
  }
  return {
    dnsDomain,
    realm: dnsDomain.toUpperCase(),
    netbiosName,
    baseDn: dnsDomain
      .split('.')
      .map((l) => `DC=${l}`)
      .join(','),
    hostName: host,
    fqdn: `${host}.${dnsDomain}`,
  };
}
