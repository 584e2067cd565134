export { SharesService, type ReconcileReport, type QuotaLine, type ProfileLine } from './service.ts';
export { sharesRoutes } from './routes.ts';
export { SHARE_NAMES, classFolderName } from './layout.ts';
export type { ShareSettings } from './layout.ts';
