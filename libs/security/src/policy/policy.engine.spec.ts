import { Logger } from '@nestjs/common';
import {
  ConfigException,
  ConfigStore,
  ConfigValidationError,
  resolveServerConfig,
} from '@routeiq/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePolicyConfig, type PolicyFailMode } from './policy.config';
import { PolicyEngine } from './policy.engine';
import type { PolicyInput } from './policy.types';

const DENY_INTERNS = `
default_action: allow
rules:
  - { name: no-interns, action: deny, match: { teams: [interns] } }
`;
const DENY_ALL = 'default_action: deny\n';
const INVALID = `
default_action: maybe
rules:
  - { name: x, action: deny, match: { source_ips: ["10.0.0.0/33"] } }
`;
const intern: PolicyInput = {
  principal: { kind: 'virtual', keyId: 'vk-1', teamId: 'interns' },
  route: '/v1/chat/completions',
  method: 'POST',
};
const staff: PolicyInput = { ...intern, principal: { kind: 'virtual', keyId: 'vk-2' } };

describe(PolicyEngine.name, () => {
  let dir: string;
  let policyFile: string;
  let store: ConfigStore;
  let logged: { error: jest.SpyInstance; warn: jest.SpyInstance; log: jest.SpyInstance };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-policy-'));
    policyFile = join(dir, 'policy.yaml');
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, 'model_list: []\n');
    writeFileSync(policyFile, DENY_INTERNS);
    logged = {
      error: jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
      warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
      log: jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined),
    };
    store = new ConfigStore(resolveServerConfig({}, { config: configFile }));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const newEngine = (failMode: PolicyFailMode = 'closed', enabled = 'true'): PolicyEngine =>
    new PolicyEngine(
      resolvePolicyConfig({
        POLICY_ENGINE_ENABLED: enabled,
        POLICY_CONFIG_PATH: policyFile,
        POLICY_ENGINE_FAIL_MODE: failMode,
      }),
      store,
    );

  it('allows everything and reads nothing when disabled', async () => {
    rmSync(policyFile);
    const engine = newEngine('closed', 'false');
    engine.onModuleInit();
    expect(engine.enabled).toBe(false);
    expect(engine.evaluate(intern)).toMatchObject({ allowed: true, basis: 'disabled' });
    await expect(engine.reload()).resolves.toBeUndefined();
    await expect(store.reload()).resolves.toMatchObject({ generation: 2 });
  });

  it('loads the policy at boot and evaluates it', () => {
    const engine = newEngine();
    engine.onModuleInit();
    expect(engine.ruleCount).toBe(1);
    expect(engine.evaluate(intern)).toMatchObject({ allowed: false, rule: 'no-interns' });
    expect(engine.evaluate(staff)).toMatchObject({ allowed: true, basis: 'default' });
  });

  describe('fail mode closed', () => {
    it('refuses to start on a missing file', () => {
      rmSync(policyFile);
      const engine = newEngine('closed');
      expect(() => engine.onModuleInit()).toThrow(ConfigValidationError);
      expect(() => engine.onModuleInit()).toThrow(
        `Invalid configuration in ${policyFile} (POLICY_CONFIG_PATH):\n` +
          '  - (file): cannot read the policy file (ENOENT)',
      );
    });

    it('refuses to start on an invalid file, listing every problem', () => {
      writeFileSync(policyFile, INVALID);
      const error = captureError(() => newEngine('closed').onModuleInit());
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).problems).toEqual([
        { path: 'default_action', message: 'must be allow or deny (got "maybe")' },
        { path: 'rules[0].match.source_ips[0]', message: 'invalid CIDR "10.0.0.0/33"' },
      ]);
    });

    it('denies while nothing is loaded', () => {
      expect(newEngine('closed').evaluate(staff)).toMatchObject({
        allowed: false,
        basis: 'unavailable',
      });
    });
  });

  describe('fail mode open', () => {
    it('starts on an invalid file, logs the error, allows, and recovers on reload', async () => {
      writeFileSync(policyFile, INVALID);
      const engine = newEngine('open');
      expect(() => engine.onModuleInit()).not.toThrow();
      expect(logged.error).toHaveBeenCalledWith(
        expect.stringContaining('rules[0].match.source_ips[0]: invalid CIDR "10.0.0.0/33"'),
      );
      expect(logged.error).toHaveBeenCalledWith(expect.stringContaining('WITHOUT policy'));
      expect(engine.ruleCount).toBeUndefined();
      expect(engine.evaluate(intern)).toMatchObject({ allowed: true, basis: 'unavailable' });

      writeFileSync(policyFile, DENY_INTERNS);
      await engine.reload();
      expect(engine.evaluate(intern)).toMatchObject({ allowed: false, rule: 'no-interns' });
    });
  });

  describe('reload()', () => {
    it('swaps in the new rules', async () => {
      const engine = newEngine();
      engine.onModuleInit();
      writeFileSync(policyFile, DENY_ALL);
      await engine.reload();
      expect(engine.ruleCount).toBe(0);
      expect(engine.evaluate(staff)).toMatchObject({ allowed: false, basis: 'default' });
    });

    it('rejects an invalid file with its problems and keeps the old rules', async () => {
      const engine = newEngine();
      engine.onModuleInit();
      writeFileSync(policyFile, INVALID);
      const error: unknown = await engine.reload().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as Error).message).toContain(
        'rules[0].match.source_ips[0]: invalid CIDR "10.0.0.0/33"',
      );
      expect(engine.evaluate(intern)).toMatchObject({ allowed: false, rule: 'no-interns' });
      expect(engine.evaluate(staff)).toMatchObject({ allowed: true });

      rmSync(policyFile);
      await expect(engine.reload()).rejects.toThrow('cannot read the policy file (ENOENT)');
      expect(engine.ruleCount).toBe(1);
    });
  });

  describe('as a config-reload participant', () => {
    it('re-reads the policy file on POST /config/reload', async () => {
      const engine = newEngine();
      engine.onModuleInit();
      writeFileSync(policyFile, DENY_ALL);
      await expect(store.reload()).resolves.toMatchObject({ generation: 2 });
      expect(engine.evaluate(staff)).toMatchObject({ allowed: false, basis: 'default' });
    });

    it('fails the reload with 400 naming the policy problems, and nothing changes', async () => {
      const engine = newEngine();
      engine.onModuleInit();
      writeFileSync(policyFile, INVALID);
      const error: unknown = await store.reload().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigException);
      expect(error).toMatchObject({ status: 400, code: 'invalid_config' });
      expect((error as Error).message).toBe(
        'Invalid configuration: policy:default_action: must be allow or deny (got "maybe"); ' +
          'policy:rules[0].match.source_ips[0]: invalid CIDR "10.0.0.0/33"',
      );
      expect(store.generation).toBe(1);
      expect(engine.evaluate(intern)).toMatchObject({ allowed: false, rule: 'no-interns' });
    });

    it('in open mode after a failed boot, gates config reloads until the policy is fixed', async () => {
      writeFileSync(policyFile, INVALID);
      const engine = newEngine('open');
      engine.onModuleInit();
      await expect(store.reload()).rejects.toThrow('policy:default_action');
      expect(engine.evaluate(intern)).toMatchObject({ allowed: true, basis: 'unavailable' });

      writeFileSync(policyFile, DENY_INTERNS);
      await expect(store.reload()).resolves.toMatchObject({ generation: 2 });
      expect(engine.evaluate(intern)).toMatchObject({ allowed: false, rule: 'no-interns' });
    });
  });
});

function captureError(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
