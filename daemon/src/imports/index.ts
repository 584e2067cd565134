export { ImportService, type ImportRunView } from './service.ts';
export { importRoutes } from './routes.ts';
export * from './model.ts';
