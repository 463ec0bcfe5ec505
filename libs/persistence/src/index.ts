export * from './persistence.config';
export * from './persistence.exception';
export * from './database-target';
export * from './data-source.factory';
export * from './migration.runner';
export * from './request-log.types';
export * from './request-log.writer';
export * from './request-log-query.service';
export * from './database.health';
export * from './keys';
export * from './responses';
export * from './mcp';
export * from './credentials/credential-cipher';
export * from './credentials/credential-reseal';
export {
  credentialKeyPath,
  readCredentialKeyFile,
  sharedTokenSecret,
} from './credentials/credential-key';
export * from './a2a';
export * from './batch.writer';
export * from './router-traces';
export * from './audit-log.types';
export * from './audit-log.store';
export * from './persistence.module';
