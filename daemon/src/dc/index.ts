export { DcService } from './service.ts';
export { dcRoutes } from './routes.ts';
export { deriveDomain, type DomainIdentity } from './naming.ts';
export { escapeDnValue, escapeFilterValue, filter } from './escape.ts';
export type { LdapConnection } from './ldap.ts';
export type { NtAclJob, NtAclResult } from './files.ts';
