import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PolicyDenyListener } from './policy-deny.listener';
import { policyConfig, policyConfigProvider } from './policy.config';
import { PolicyEnforcer } from './policy.enforcer';
import { PolicyEngine } from './policy.engine';

/**
 * The request policy engine (POLICY_ENGINE_ENABLED, POLICY_CONFIG_PATH, POLICY_ENGINE_FAIL_MODE).
 * Needs the global GatewayConfigModule for the ConfigStore. Import `PolicyModule` for a no-op deny
 * listener, or `PolicyModule.withDenyListener(AuditService, [AuditModule])` to subscribe one (the
 * module must export that class).
 */
@Module({
  imports: [ConfigModule.forFeature(policyConfig)],
  providers: [policyConfigProvider, PolicyEngine, PolicyEnforcer],
  exports: [PolicyEngine, PolicyEnforcer],
})
export class PolicyModule {
  static withDenyListener(
    listener: Type<PolicyDenyListener>,
    imports: NonNullable<ModuleMetadata['imports']> = [],
  ): DynamicModule {
    return {
      module: PolicyModule,
      imports,
      providers: [{ provide: PolicyDenyListener, useExisting: listener }],
    };
  }
}
