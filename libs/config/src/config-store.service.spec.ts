import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RequestLimits } from '@routeiq/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigException } from './config.exception';
import { GatewayConfigModule } from './config.module';
import {
  ConfigStore,
  type ConfigParticipant,
  type PreparedConfigChange,
} from './config-store.service';
import { ConfigValidationError } from './config-validation.error';
import type { ConfigProblem, GatewayConfig } from './gateway-config.types';
import { resolveServerConfig, ServerConfig } from './server.config';

const ONE_MODEL = `
model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4o }
foo: 1
`;
const TWO_MODELS = `
model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4o }
  - model_name: b
    litellm_params: { model: anthropic/claude-sonnet-4 }
general_settings: { max_request_size_mb: 2 }
foo: 1
`;

/** Records what it was asked to prepare and what it committed; rejects provider names on request. */
class RecordingParticipant implements ConfigParticipant {
  readonly name = 'recording';
  readonly committed: GatewayConfig[] = [];
  rejectProvider?: string;

  prepare(config: GatewayConfig): PreparedConfigChange {
    const problems: ConfigProblem[] = config.modelList.flatMap((d, i) =>
      d.provider === this.rejectProvider
        ? [
            {
              path: `model_list[${i}].litellm_params.model`,
              message: `unknown provider "${d.provider}"`,
            },
          ]
        : [],
    );
    return { problems, commit: () => this.committed.push(config) };
  }
}

describe(ConfigStore.name, () => {
  let dir: string;
  let file: string;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-store-'));
    file = join(dir, 'config.yaml');
    writeFileSync(file, ONE_MODEL);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  const newStore = (): ConfigStore => new ConfigStore(resolveServerConfig({}, { config: file }));

  it('loads at construction and fails boot on an invalid file', () => {
    const store = newStore();
    expect(store.generation).toBe(1);
    expect(store.current.modelList.map((d) => d.modelName)).toEqual(['a']);

    writeFileSync(file, 'model_list: [ { model_name: x } ]');
    expect(newStore).toThrow(ConfigValidationError);
  });

  it('swaps the config, bumps the generation, commits participants and notifies on reload', async () => {
    const store = newStore();
    const participant = new RecordingParticipant();
    store.register(participant);
    const seen: GatewayConfig[] = [];
    store.onChange((config) => seen.push(config));

    writeFileSync(file, TWO_MODELS);
    await expect(store.reload()).resolves.toEqual({
      generation: 2,
      models: 2,
      warnings: ['config: unknown key "foo" ignored'],
    });
    expect(store.generation).toBe(2);
    expect(store.current.modelList).toHaveLength(2);
    expect(seen).toEqual([store.current]);
    expect(participant.committed).toHaveLength(2);
    expect(participant.committed[1]).toBe(store.current);
  });

  it('rejects an invalid file with every problem and keeps serving the old config', async () => {
    const store = newStore();
    const before = store.current;
    const listener = jest.fn();
    store.onChange(listener);

    writeFileSync(file, 'model_list:\n  - model_name: a\n    litellm_params: { timeout: 0 }\n');
    const error: unknown = await store.reload().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigException);
    expect((error as ConfigException).message).toBe(
      'Invalid configuration: model_list[0].litellm_params.model: must be a non-empty string (got nothing); ' +
        'model_list[0].litellm_params.timeout: must be a positive number (got 0)',
    );
    expect(store.current).toBe(before);
    expect(store.generation).toBe(1);
    expect(listener).not.toHaveBeenCalled();
  });

  it("blocks the reload on a participant's problems and commits nobody", async () => {
    const store = newStore();
    const rejecting = new RecordingParticipant();
    const other = new RecordingParticipant();
    store.register(other);
    store.register(rejecting);
    rejecting.rejectProvider = 'anthropic';

    writeFileSync(file, TWO_MODELS);
    await expect(store.reload()).rejects.toThrow(
      'Invalid configuration: model_list[1].litellm_params.model: unknown provider "anthropic"',
    );
    expect(other.committed).toHaveLength(1);
    expect(rejecting.committed).toHaveLength(1);
    expect(store.current.modelList).toHaveLength(1);
    expect(store.generation).toBe(1);
  });

  it('refuses to register a participant that rejects the current config', () => {
    const store = newStore();
    const participant = new RecordingParticipant();
    participant.rejectProvider = 'openai';
    expect(() => store.register(participant)).toThrow(ConfigValidationError);
    expect(participant.committed).toEqual([]);
  });

  it('serialises concurrent reloads, and a failed one does not block the next', async () => {
    const store = newStore();
    let prepares = 0;
    store.register({
      name: 'fails-once',
      prepare: () => ({
        problems: prepares++ === 1 ? [{ path: 'model_list', message: 'not now' }] : [],
        commit: () => undefined,
      }),
    });
    writeFileSync(file, TWO_MODELS);
    const results = await Promise.allSettled([store.reload(), store.reload(), store.reload()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(store.generation).toBe(3);
  });

  it('logs each distinct warning once per process lifetime', async () => {
    const store = newStore();
    await store.reload();
    writeFileSync(file, `${TWO_MODELS}bar: 2\n`);
    await store.reload();
    expect(warn.mock.calls.map(([message]) => message as string)).toEqual([
      'config: unknown key "foo" ignored',
      'config: unknown key "bar" ignored',
    ]);
  });
});

describe(GatewayConfigModule.name, () => {
  it('provides ServerConfig, the store and request limits that follow reloads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routeiq-module-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'model_list: []\n');
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [GatewayConfigModule.forRoot({ config: file, port: 4321 })],
      }).compile();
      expect(moduleRef.get(ServerConfig)).toMatchObject({ configPath: file, port: 4321 });
      const limits = moduleRef.get(RequestLimits);
      expect(limits.maxBodyBytes).toBe(10 * 1024 * 1024);

      writeFileSync(file, 'general_settings: { max_request_size_mb: 0.5 }\n');
      await moduleRef.get(ConfigStore).reload();
      expect(limits.maxBodyBytes).toBe(512 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
