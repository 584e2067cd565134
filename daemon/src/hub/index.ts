export { HubService } from './service.ts';
export { hubRoutes } from './routes.ts';
export { HubSettingsStore } from './settings.ts';
