export * from './audit.module';
export * from './audit.service';
export * from './audit.config';
export * from './audit.exception';
export { AuditAction, SYSTEM_ACTOR, auditContext, type AuditEvent } from './audit-event';
export * from './audit-log.view';
export { maskActorId, sanitizeAuditMetadata } from './audit-redaction';
