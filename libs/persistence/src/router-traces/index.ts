export * from './router-trace.types';
export * from './router-trace.store';
export * from './router-feedback.store';
export * from './router-trace.writer';
