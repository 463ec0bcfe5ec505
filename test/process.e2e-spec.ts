import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAiStubServer } from './support/openai-stub.server';
import { freePort, stackEnvironment, TEST_MASTER_KEY } from './support/gateway-harness';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import type { TestDatabase } from './support/services';

const DEMO_YAML =
  'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/routeiq-demo\n';

describe('The gateway process', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let database: TestDatabase | undefined;
  const running: GatewayProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-proc-'));
    const stack = await stackEnvironment();
    database = stack.database;
    env = {
      ...stack.env,
      ROUTEIQ_DATA_DIR: join(dir, 'data'),
      LITELLM_MASTER_KEY: TEST_MASTER_KEY,
      ADMIN_API_KEYS: undefined,
      LITELLM_LOG: 'info',
      LITELLM_CONFIG_PATH: undefined,
      CONFIG_FILE_PATH: undefined,
    };
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((proc) => proc.stop()));
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (
    args: string[],
    extraEnv: Record<string, string | undefined> = {},
  ): GatewayProcess => {
    const proc = spawnGateway(args, { ...env, ...extraEnv });
    running.push(proc);
    return proc;
  };

  const writeConfig = (yaml: string): string => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, yaml);
    return path;
  };

  it('logs one start-up line with the URL, models, database and Redis state', async () => {
    const port = await freePort();
    const proc = start([
      '--config',
      writeConfig(DEMO_YAML),
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
    ]);
    const [line] = await proc.waitFor(/RouteIQ Gateway listening on [^\n"]*/);
    expect(line).toContain(`http://127.0.0.1:${port}`);
    expect(line).toContain('1 model group(s) (1 deployment(s))');
    expect(line).toMatch(
      env.DATABASE_URL ? /database: postgres:\/\/postgres@127\.0\.0\.1/ : /database: sqlite:/,
    );
    expect(line).toContain(env.REDIS_URL ? 'redis: on' : 'redis: off');
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
  });

  it('reads the config path and port from the environment when no flags are given', async () => {
    const port = await freePort();
    const proc = start([], {
      CONFIG_FILE_PATH: writeConfig(DEMO_YAML),
      LITELLM_PORT: String(port),
      LITELLM_HOST: '127.0.0.1',
    });
    await proc.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
  });

  it('exits 1 on a broken config, naming every bad key', async () => {
    const path = writeConfig(
      [
        'model_list:',
        '  - model_name: a',
        '    litellm_params:',
        '      model: foo/bar',
        '  - model_name: b',
        '    litellm_params:',
        '      model: openai/gpt-4o',
        '      timeout: soon',
        '      api_key: os.environ/ROUTEIQ_SURELY_UNSET_VAR',
      ].join('\n'),
    );
    const proc = start(['--config', path, '--port', String(await freePort())]);
    expect(await proc.exited).toBe(1);
    const stderr = proc.errors();
    expect(stderr).toContain('model_list[1].litellm_params.timeout');
    expect(stderr).toContain('model_list[1].litellm_params.api_key');
    expect(stderr).toContain('ROUTEIQ_SURELY_UNSET_VAR');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 1 when a deployment names an unknown provider', async () => {
    const proc = start([
      '--config',
      writeConfig(DEMO_YAML.replace('mock/routeiq-demo', 'foo/bar')),
      '--port',
      String(await freePort()),
    ]);
    expect(await proc.exited).toBe(1);
    expect(proc.errors()).toContain('model_list[0].litellm_params.model: unknown provider "foo"');
  });

  it('exits 1 on a bad flag and on an invalid environment variable', async () => {
    const badFlag = start(['--port', 'eighty']);
    expect(await badFlag.exited).toBe(1);
    expect(badFlag.errors()).toContain('--port');
    const badEnv = start(['--config', writeConfig(DEMO_YAML)], { LITELLM_PORT: '99999' });
    expect(await badEnv.exited).toBe(1);
    expect(badEnv.errors()).toContain('LITELLM_PORT');
  });

  it('exits 1 on bad LLMROUTER_* strategy settings, naming the variable', async () => {
    const config = writeConfig(DEMO_YAML);
    const badJson = start(['--config', config], {
      LLMROUTER_STRATEGY_WEIGHTS: '{"simple-shuffle": ',
    });
    expect(await badJson.exited).toBe(1);
    expect(badJson.errors() + badJson.output()).toMatch(
      /LLMROUTER_STRATEGY_WEIGHTS: is not valid JSON/,
    );
    const unknown = start(['--config', config], { LLMROUTER_STRATEGY_WEIGHTS: '{"ml-router": 1}' });
    expect(await unknown.exited).toBe(1);
    expect(unknown.errors() + unknown.output()).toMatch(
      /LLMROUTER_STRATEGY_WEIGHTS: unknown strategy "ml-router"/,
    );
  });

  it('never runs open: generates a master key once, stores it 0600 and prints it only then', async () => {
    const config = writeConfig(DEMO_YAML);
    const port = await freePort();
    const first = start(['--config', config, '--port', String(port), '--host', '127.0.0.1'], {
      LITELLM_MASTER_KEY: undefined,
    });
    const [, key] = await first.waitFor(/^\s+(sk-[0-9a-f]{48})$/m);
    await first.waitFor(/listening on/);
    const file = join(dir, 'data', 'master_key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(key);
    const ask = (k: string) =>
      fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: `Bearer ${k}` } });
    expect((await ask(key!)).status).toBe(200);
    expect((await ask(TEST_MASTER_KEY)).status).toBe(401);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = start(['--config', config, '--port', String(port), '--host', '127.0.0.1'], {
      LITELLM_MASTER_KEY: undefined,
    });
    await second.waitFor(/listening on/);
    expect(second.output()).not.toContain(key);
    expect((await ask(key!)).status).toBe(200);
  });

  it('never writes keys or prompt text to its logs, even at debug level', async () => {
    const stub = new OpenAiStubServer();
    const apiBase = await stub.start();
    try {
      const upstreamKey = 'sk-upstream-SECRET-0123456789';
      const wrongKey = 'sk-wrong-client-key-0123456789';
      const canary = 'PROMPT-CANARY-7f3a';
      stub.script('/v1/chat/completions', {
        kind: 'json',
        status: 500,
        body: {
          error: { message: 'upstream exploded', type: 'server_error', code: null, param: null },
        },
      });
      const yaml = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: ${apiBase}\n      api_key: ${upstreamKey}\n`;
      const port = await freePort();
      const proc = start(
        ['--config', writeConfig(yaml), '--port', String(port), '--host', '127.0.0.1'],
        {
          LITELLM_LOG: 'trace',
        },
      );
      await proc.waitFor(/listening on/);
      const send = (key: string) =>
        fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: canary }] }),
        });
      expect((await send(wrongKey)).status).toBe(401);
      expect((await send(TEST_MASTER_KEY)).status).toBe(500);
      expect((await send(TEST_MASTER_KEY)).status).toBe(200);
      await proc.waitFor(/"status":200[^\n]*request completed/);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      const logs = proc.output() + proc.errors();
      for (const secret of [TEST_MASTER_KEY, upstreamKey, wrongKey, canary]) {
        expect(logs).not.toContain(secret);
      }
    } finally {
      await stub.stop();
    }
  });

  it('drains on SIGTERM: readiness 503 at once, an open stream completes, exit 0', async () => {
    const stub = new OpenAiStubServer();
    const apiBase = await stub.start();
    try {
      const chunk = {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }],
      };
      stub.script('/v1/chat/completions', {
        kind: 'sse',
        chunks: Array.from({ length: 15 }, () => chunk),
        gapMs: 100,
      });
      const yaml = `model_list:\n  - model_name: slow\n    litellm_params:\n      model: openai/slow\n      api_base: ${apiBase}\n`;
      const port = await freePort();
      const proc = start([
        '--config',
        writeConfig(yaml),
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
      ]);
      await proc.waitFor(/listening on/);
      const base = `http://127.0.0.1:${port}`;

      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'slow',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
        }),
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);

      proc.child.kill('SIGTERM');
      await proc.waitFor(/SIGTERM: shutting down/);
      const ready = await fetch(`${base}/_health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: Record<string, unknown> }).error).toHaveProperty(
        'drain',
      );

      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        text += decoder.decode(step.value);
      }
      expect(text.match(/"content":"x"/g)).toHaveLength(15);
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(await proc.exited).toBe(0);
    } finally {
      await stub.stop();
    }
  });
});
