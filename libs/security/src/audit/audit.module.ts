import { Global, Module } from '@nestjs/common';
import { ControlPlaneAuditor } from '@routeiq/common';
import { AuditRecordingAuditor } from './audit-recording.auditor';
import { ConfigModule } from '@nestjs/config';
import { AuditLogStore } from '@routeiq/persistence';
import { DataSource } from 'typeorm';
import { AuditLogWriter } from './audit-log.writer';
import { AuditPolicyDenyListener } from './audit-policy-deny.listener';
import { AuditController } from './audit.controller';
import { auditConfig, auditConfigProvider } from './audit.config';
import { AuditService } from './audit.service';

/**
 * The audit log: `AuditService` for other modules, `GET /audit/logs` for admins. Needs the
 * `DataSource` of the (global) PersistenceModule.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(auditConfig)],
  controllers: [AuditController],
  providers: [
    auditConfigProvider,
    {
      provide: AuditLogStore,
      useFactory: (dataSource: DataSource) => new AuditLogStore(dataSource),
      inject: [DataSource],
    },
    {
      provide: AuditLogWriter,
      useFactory: (store: AuditLogStore) => new AuditLogWriter(store),
      inject: [AuditLogStore],
    },
    AuditService,
    AuditPolicyDenyListener,
    { provide: ControlPlaneAuditor, useClass: AuditRecordingAuditor },
  ],
  exports: [AuditService, AuditPolicyDenyListener, ControlPlaneAuditor],
})
export class AuditModule {}
