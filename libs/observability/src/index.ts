export * from './logging.module';
export * from './log-redaction';
export * from './gateway.logger';
