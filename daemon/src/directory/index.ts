export { DirectoryService, type CreatedUser, type BulkResult } from './service.ts';
export { directoryRoutes } from './routes.ts';
export { readPolicy } from './policy.ts';
/** How class and group names become the slugs of the directory's group names. */
export { classSlug } from './views.ts';
export type { DirectorySettings } from './settings.ts';
export * from './model.ts';
