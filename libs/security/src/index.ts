export * from './security.module';
export * from './security.config';
export * from './security.exception';
export * from './master-key.service';
