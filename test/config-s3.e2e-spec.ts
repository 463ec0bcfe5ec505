import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  stackEnvironment,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  testStack,
} from './support/gateway-harness';
import { eventually } from './support/eventually';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import { call, userHeaders } from './support/http';
import { S3StubServer } from './support/s3-stub.server';
import type { TestDatabase } from './support/services';

// The built gateway as real processes, its config in an S3-compatible stub. On the Postgres +
// Redis stack two replicas run leader election; on the embedded default one node is its own
// leader.
const ha = testStack() === 'postgres';
const BUCKET = 'routeiq-config';
const KEY = 'gateway/config.yaml';
const SECRET = 'stub-secret-access-key-0123456789';

const models = (...names: string[]): string =>
  [
    'model_list:',
    ...names.flatMap((name) => [
      `  - model_name: ${name}`,
      '    litellm_params:',
      `      model: mock/${name}`,
    ]),
    '',
  ].join('\n');
const FIRST = models('alpha');
const SECOND = models('alpha', 'beta');
const INVALID =
  'model_list:\n  - model_name: gamma\n    litellm_params:\n      model: nope/gamma\n';

interface SyncStatus {
  role: string;
  generation: number;
  config_source: {
    source: string;
    bucket?: string;
    key?: string;
    etag?: string | null;
    last_sync_at?: string | null;
    last_error?: string | null;
  };
}

interface Replica {
  readonly proc: GatewayProcess;
  readonly url: string;
  readonly configPath: string;
  /** Each replica signs with its own access key id, so the stub can tell who asked. */
  readonly accessKeyId: string;
}

const modelIds = async (replica: Replica): Promise<string[]> => {
  const { status, body } = await call<{ data: Array<{ id: string }> }>(`${replica.url}/v1/models`, {
    headers: userHeaders(),
  });
  expect(status).toBe(200);
  return body.data.map((model) => model.id).sort();
};

const syncStatus = async (replica: Replica): Promise<SyncStatus> => {
  const { status, body } = await call<SyncStatus>(`${replica.url}/config/sync/status`, {
    headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
  });
  expect(status).toBe(200);
  return body;
};

/** The stub's endpoint and the AWS SDK's variables a replica needs, minus its access key id. */
function s3Environment(endpoint: string): Record<string, string | undefined> {
  return {
    CONFIG_S3_BUCKET: BUCKET,
    CONFIG_S3_KEY: KEY,
    CONFIG_S3_FORCE_PATH_STYLE: 'true',
    CONFIG_SYNC_INTERVAL: '1',
    CONFIG_HOT_RELOAD: undefined,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ENDPOINT_URL: undefined,
    AWS_REGION: 'us-east-1',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    // Credentials come from the variables: never ask an instance metadata service.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LITELLM_CONFIG_PATH: undefined,
    CONFIG_FILE_PATH: undefined,
  };
}

describe(`Config from S3 (${ha ? 'two replicas, leader election' : 'one node'})`, () => {
  const stub = new S3StubServer();
  const replicas: Replica[] = [];
  let dir: string;
  let database: TestDatabase | undefined;
  let leader: Replica;
  let follower: Replica | undefined;
  let firstEtag: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-config-s3-'));
    const endpoint = await stub.start();
    firstEtag = stub.put(BUCKET, KEY, FIRST);
    const stack = await stackEnvironment();
    database = stack.database;
    for (let i = 0; i < (ha ? 2 : 1); i++) {
      const port = await freePort();
      const configPath = join(dir, `replica-${i}`, 'config.yaml');
      const accessKeyId = `AKIDREPLICA${i}`;
      const proc = spawnGateway(
        ['--config', configPath, '--port', String(port), '--host', '127.0.0.1'],
        {
          ...stack.env,
          ...s3Environment(endpoint),
          AWS_ACCESS_KEY_ID: accessKeyId,
          ROUTEIQ_DATA_DIR: join(dir, `data-${i}`),
          LITELLM_MASTER_KEY: TEST_MASTER_KEY,
          ADMIN_API_KEYS: TEST_ADMIN_KEY,
          LITELLM_LOG: 'info',
          LLMROUTER_HA_MODE: ha ? 'leader_election' : undefined,
          LLMROUTER_CONFIG_SYNC_LEASE_SECONDS: ha ? '30' : undefined,
        },
      );
      replicas.push({ proc, url: `http://127.0.0.1:${port}`, configPath, accessKeyId });
      // One at a time: the first leads, and the second finds the migrations applied.
      await proc.waitFor(/listening on/, 30_000);
    }
    const roles = await Promise.all(replicas.map(async (r) => (await syncStatus(r)).role));
    leader = replicas[roles.findIndex((role) => role !== 'follower')]!;
    follower = replicas.find((r) => r !== leader);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await stub.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const gets = (replica: Replica) => stub.gets(BUCKET, KEY, replica.accessKeyId);

  it('downloads the object on every replica at start; only the leader polls', async () => {
    for (const replica of replicas) {
      expect(readFileSync(replica.configPath, 'utf8')).toBe(FIRST);
      await expect(modelIds(replica)).resolves.toEqual(['alpha']);
    }
    if (ha) expect((await syncStatus(follower!)).role).toBe('follower');
    await eventually(async () => gets(leader).length >= 3, 'two polls by the leader');
    const [download, ...polls] = gets(leader);
    expect(download).toMatchObject({ status: 200, ifNoneMatch: undefined });
    for (const poll of polls) {
      expect(poll).toMatchObject({ status: 304, ifNoneMatch: `"${firstEtag}"` });
      expect(poll.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDREPLICA\d\/\d{8}\/us-east-1\/s3\/aws4_request, /,
      );
    }
    // The follower downloaded at start and has not asked since.
    if (follower) expect(gets(follower).map((r) => r.status)).toEqual([200]);
    expect((await syncStatus(leader)).config_source).toEqual({
      source: 's3',
      path: leader.configPath,
      bucket: BUCKET,
      key: KEY,
      hot_reload: true,
      etag: firstEtag,
      last_sync_at: expect.any(String),
      last_error: null,
    });
  });

  it('serves a changed object on every replica within a few intervals', async () => {
    const etag = stub.put(BUCKET, KEY, SECOND);
    for (const replica of replicas) {
      await eventually(
        async () => (await modelIds(replica)).join() === 'alpha,beta',
        `${replica.url} serves the new model list`,
      );
      expect(readFileSync(replica.configPath, 'utf8')).toBe(SECOND);
      // The new config serves as soon as it is swapped in; the ETag is recorded once the rest of
      // the reload (strategies, ML routers) has finished, a moment later.
      await eventually(
        async () => (await syncStatus(replica)).config_source.etag === etag,
        `${replica.url} reports the new ETag`,
      );
      const { config_source: source } = await syncStatus(replica);
      expect(source).toMatchObject({ source: 's3', etag, last_error: null });
      expect(Date.parse(source.last_sync_at!)).not.toBeNaN();
    }
    if (follower) {
      // Once, after the leader's announcement, conditional on the ETag it had.
      expect(gets(follower).map((r) => [r.status, r.ifNoneMatch])).toEqual([
        [200, undefined],
        [200, `"${firstEtag}"`],
      ]);
    }
  });

  it('keeps the running config for an invalid object, and does not announce it', async () => {
    const followerGets = follower ? gets(follower).length : 0;
    const generations = await Promise.all(
      replicas.map(async (r) => (await syncStatus(r)).generation),
    );
    const bad = stub.put(BUCKET, KEY, INVALID);
    // Downloaded once, then asked about with its own ETag: it was rejected and remembered.
    await eventually(
      async () => gets(leader).some((r) => r.status === 304 && r.ifNoneMatch === `"${bad}"`),
      'a poll conditional on the rejected ETag',
    );
    await eventually(
      async () => gets(leader).filter((r) => r.ifNoneMatch === `"${bad}"`).length >= 2,
      'another poll',
    );
    // Two downloads since start-up: the second object and the invalid one, each once.
    expect(
      gets(leader).filter((r) => r.status === 200 && r.ifNoneMatch !== undefined),
    ).toHaveLength(2);
    for (const [i, replica] of replicas.entries()) {
      await expect(modelIds(replica)).resolves.toEqual(['alpha', 'beta']);
      expect(readFileSync(replica.configPath, 'utf8')).toBe(SECOND);
      expect((await syncStatus(replica)).generation).toBe(generations[i]);
    }
    const rejected = new RegExp(
      `ETag \\\\?"${bad}\\\\?" rejected, the previous config is kept`,
      'g',
    );
    expect((leader.proc.output() + leader.proc.errors()).match(rejected)).toHaveLength(1);
    const { config_source: source } = await syncStatus(leader);
    expect(source.last_error).toMatch(new RegExp(`ETag ${bad} rejected.*model_list\\[0\\]`));
    if (follower) {
      expect(gets(follower)).toHaveLength(followerGets);
      expect((await syncStatus(follower)).config_source.last_error).toBeNull();
    }
  });
});

describe('Config from S3 at start-up', () => {
  const stub = new S3StubServer();
  const running: GatewayProcess[] = [];
  let dir: string;
  let endpoint: string;

  beforeAll(async () => {
    endpoint = await stub.start();
    stub.put(BUCKET, KEY, FIRST);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-config-s3-start-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((proc) => proc.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(() => stub.stop());

  const start = async (env: Record<string, string | undefined>) => {
    const configPath = join(dir, 'config.yaml');
    const proc = spawnGateway(['--config', configPath, '--port', String(await freePort())], {
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      REDIS_HOST: undefined,
      ROUTEIQ_DATA_DIR: join(dir, 'data'),
      LITELLM_MASTER_KEY: TEST_MASTER_KEY,
      ...s3Environment(endpoint),
      AWS_ACCESS_KEY_ID: 'AKIDSTARTUP',
      ...env,
    });
    running.push(proc);
    return { proc, configPath };
  };

  it('fails with one clear line when the object is missing', async () => {
    const { proc, configPath } = await start({ CONFIG_S3_KEY: 'gateway/missing.yaml' });
    await expect(proc.exited).resolves.toBe(1);
    expect(proc.errors()).toBe(
      `RouteIQ Gateway failed to start: cannot download the config s3://${BUCKET}/gateway/missing.yaml: the object does not exist (NoSuchKey)\n`,
    );
    expect(proc.output() + proc.errors()).not.toContain(SECRET);
    expect(existsSync(configPath)).toBe(false);
  });

  it('names both variables when only one of bucket and key is set', async () => {
    const asked = stub.requests.length;
    const { proc } = await start({ CONFIG_S3_KEY: undefined });
    await expect(proc.exited).resolves.toBe(1);
    expect(proc.errors()).toMatch(/CONFIG_S3_KEY: is required when CONFIG_S3_BUCKET is set/);
    expect(proc.errors()).toMatch(/set both CONFIG_S3_BUCKET and CONFIG_S3_KEY/);
    expect(stub.requests).toHaveLength(asked);
  });
});
