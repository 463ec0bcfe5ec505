import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { AdmissionService } from './admission/admission.service';
import { AuditPolicyDenyListener } from './audit/audit-policy-deny.listener';
import { AuditModule } from './audit/audit.module';
import { OutboundModule } from './outbound/outbound.module';
import { PolicyModule } from './policy/policy.module';
import { QuotaModule } from './quota/quota.module';
import { AdminKeyService } from './admin-key.service';
import { AuthGuard } from './auth.guard';
import { BudgetResetJob } from './keys/budget-reset.job';
import { KeyAdminService } from './keys/key-admin.service';
import { KeyCacheService } from './keys/key-cache.service';
import { KeyController } from './keys/key.controller';
import { TeamAdminService } from './keys/team-admin.service';
import { TeamController } from './keys/team.controller';
import { UserKeyAuthenticator } from './keys/user-key.authenticator';
import { MasterKeyService } from './master-key.service';
import { securityConfig, securityConfigProvider } from './security.config';

@Module({
  imports: [
    ConfigModule.forFeature(securityConfig),
    AuditModule,
    PolicyModule.withDenyListener(AuditPolicyDenyListener, [AuditModule]),
    QuotaModule,
    OutboundModule,
  ],
  controllers: [KeyController, TeamController],
  providers: [
    securityConfigProvider,
    MasterKeyService,
    AdminKeyService,
    KeyCacheService,
    UserKeyAuthenticator,
    KeyAdminService,
    TeamAdminService,
    BudgetResetJob,
    AdmissionService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [MasterKeyService, KeyCacheService, AdmissionService, AuditModule, OutboundModule],
})
export class SecurityModule {}
