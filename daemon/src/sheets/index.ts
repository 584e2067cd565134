export { SheetsService, type SheetSelection } from './service.ts';
export { sheetsRoutes } from './routes.ts';
