export * from './quota.types';
export * from './quota.config';
export * from './quota.exception';
export * from './quota.service';
export * from './quota.module';
export { NO_QUOTA_RESERVATION } from './quota-reservation';
export { calendarWindow, formatResetDuration, type WindowBounds } from './quota-windows';
