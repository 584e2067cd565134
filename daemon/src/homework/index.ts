export { HomeworkService, type HomeworkDetail, type HomeworkSummary, type NewHomework, type Target } from './service.ts';
export { homeworkRoutes } from './routes.ts';
