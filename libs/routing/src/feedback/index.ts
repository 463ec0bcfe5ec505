export * from './router-trace.config';
export * from './router-trace.mapper';
export * from './feedback.dto';
export * from './feedback.exception';
export * from './feedback.service';
