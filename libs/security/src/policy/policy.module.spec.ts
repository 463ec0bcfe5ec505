import { Injectable, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { GatewayRequest } from '@routeiq/common';
import { ConfigValidationError, GatewayConfigModule } from '@routeiq/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyDenyListener, type PolicyDenyEvent } from './policy-deny.listener';
import { PolicyEnforcer } from './policy.enforcer';
import { PolicyEngine } from './policy.engine';
import { PolicyModule } from './policy.module';

@Injectable()
class AuditStub extends PolicyDenyListener {
  readonly events: PolicyDenyEvent[] = [];
  onDeny(event: PolicyDenyEvent): void {
    this.events.push(event);
  }
}

@Module({ providers: [AuditStub], exports: [AuditStub] })
class AuditStubModule {}

const ENV_KEYS = ['POLICY_ENGINE_ENABLED', 'POLICY_CONFIG_PATH', 'POLICY_ENGINE_FAIL_MODE'];

describe(PolicyModule.name, () => {
  let dir: string;
  let configFile: string;
  let policyFile: string;
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-policy-module-'));
    configFile = join(dir, 'config.yaml');
    policyFile = join(dir, 'policy.yaml');
    writeFileSync(configFile, 'model_list: []\n');
    writeFileSync(policyFile, 'default_action: deny\n');
    process.env.POLICY_ENGINE_ENABLED = 'true';
    process.env.POLICY_CONFIG_PATH = policyFile;
    delete process.env.POLICY_ENGINE_FAIL_MODE;
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const boot = (
    policyModule: typeof PolicyModule | ReturnType<typeof PolicyModule.withDenyListener>,
  ) =>
    Test.createTestingModule({
      imports: [GatewayConfigModule.forRoot({ config: configFile }), policyModule],
    }).compile();

  it('loads the policy at init and delivers denials to the subscribed listener', async () => {
    const moduleRef = await boot(PolicyModule.withDenyListener(AuditStub, [AuditStubModule]));
    await moduleRef.init();
    expect(moduleRef.get(PolicyEngine).ruleCount).toBe(0);

    const req = { id: 'r1', url: '/v1/models', method: 'GET', socket: {} } as GatewayRequest;
    expect(() => moduleRef.get(PolicyEnforcer).enforce(req)).toThrow('default_action is deny');
    expect(moduleRef.get(AuditStub).events).toEqual([
      expect.objectContaining({ requestId: 'r1', route: '/v1/models', rule: undefined }),
    ]);
    await moduleRef.close();
  });

  it('refuses to start on an invalid policy file in fail mode closed', async () => {
    writeFileSync(policyFile, 'default_action: allow\nrules: [{ name: x, action: nope }]\n');
    const moduleRef = await boot(PolicyModule);
    const error: unknown = await moduleRef.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toContain('rules[0].action: must be allow or deny');
  });
});
