export { InventoryService } from './service.ts';
export { inventoryRoutes } from './routes.ts';
export { agentEndpoint } from './agent/endpoint.ts';
