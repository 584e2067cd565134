export { DevicesService } from './service.ts';
export { devicesRoutes } from './routes.ts';
export type { Device, DeviceStatus, DeviceAlert, Room, DeviceKind } from './model.ts';
