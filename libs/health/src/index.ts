export * from './health.module';
export * from './drain.service';
