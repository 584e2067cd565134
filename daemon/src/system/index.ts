export { SystemService, type DiskUsage, type Versions } from './service.ts';
export { systemRoutes, type SystemStatus } from './routes.ts';
