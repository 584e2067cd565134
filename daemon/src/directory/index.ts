export { DirectoryService, type CreatedUser, type BulkResult } from './service.ts';
export { directoryRoutes } from './routes.ts';
export { readPolicy } from './policy.ts';
export type { DirectorySettings } from './settings.ts';
export * from './model.ts';
