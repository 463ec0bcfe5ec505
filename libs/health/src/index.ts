export * from './health.module';
export * from './drain.service';
export * from './backpressure.config';
export * from './health.exception';
