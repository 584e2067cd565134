export { DirectoryService, type CreatedUser, type BulkResult } from './service.ts';
export { directoryRoutes } from './routes.ts';
export { readPolicy } from './policy.ts';
/** The directory's search rule (accents, case and word order ignored), for lists built elsewhere. */
export { matchesQuery, searchKey } from './search.ts';
/** How class and group names become the slugs of the directory's group names. */
export { classSlug } from './views.ts';
export type { DirectorySettings } from './settings.ts';
export * from './model.ts';
