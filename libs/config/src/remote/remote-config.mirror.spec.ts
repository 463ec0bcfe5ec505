import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3StubServer } from '@routeiq/testing';
import { ConfigValidationError } from '../config-validation.error';
import { resolveServerConfig } from '../server.config';
import { RemoteConfigError, RemoteConfigErrorCode } from './remote-config.error';
import { RemoteConfigMirror } from './remote-config.mirror';
import { syncRemoteConfigAtStart } from './remote-config.startup';
import { s3ConfigSourceFromEnv } from './s3-config.config';

const VARIABLES = [
  'CONFIG_S3_BUCKET',
  'CONFIG_S3_KEY',
  'CONFIG_SYNC_INTERVAL',
  'CONFIG_HOT_RELOAD',
  'CONFIG_S3_FORCE_PATH_STYLE',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];
const BUCKET = 'configs';
const KEY = 'gateway.yaml';
const GOOD = 'model_list:\n  - model_name: a\n    litellm_params:\n      model: mock/a\n';
const NEWER = `${GOOD}  - model_name: b\n    litellm_params:\n      model: mock/b\n`;
const BAD = 'model_list: nope\n';

describe(RemoteConfigMirror.name, () => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  const stub = new S3StubServer();
  const mirrors: RemoteConfigMirror[] = [];
  let dir: string;

  const mirrorOf = (path: string, env: Record<string, string> = {}) => {
    const mirror = new RemoteConfigMirror(
      s3ConfigSourceFromEnv({ ...process.env, ...env }),
      resolveServerConfig({}, { config: path }),
    );
    mirrors.push(mirror);
    return mirror;
  };

  beforeAll(async () => {
    VARIABLES.forEach((name) => delete process.env[name]);
    Object.assign(process.env, {
      CONFIG_S3_BUCKET: BUCKET,
      CONFIG_S3_KEY: KEY,
      CONFIG_S3_FORCE_PATH_STYLE: 'true',
      AWS_ENDPOINT_URL_S3: await stub.start(),
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDMIRRORSPEC',
      AWS_SECRET_ACCESS_KEY: 'secret-mirror-spec',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-remote-config-'));
    stub.requests.length = 0;
    stub.put(BUCKET, KEY, GOOD);
  });
  afterEach(async () => {
    await Promise.all(mirrors.splice(0).map((m) => m.onModuleDestroy()));
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await stub.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  describe('at start-up', () => {
    it('downloads the object over the --config path, creating its directory, privately', async () => {
      const path = join(dir, 'nested', 'config.yaml');
      const download = await syncRemoteConfigAtStart({ config: path });
      expect(download).toMatchObject({ location: `s3://${BUCKET}/${KEY}`, path });
      expect(readFileSync(path, 'utf8')).toBe(GOOD);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'nested'))).toEqual(['config.yaml']);
      // The application's mirror starts from that ETag: its first poll is conditional.
      const mirror = mirrorOf(path);
      expect(mirror.currentEtag).toBe(download!.etag);
      await expect(mirror.sync(() => Promise.resolve())).resolves.toEqual({ kind: 'unchanged' });
      expect(stub.requests.map((r) => [r.status, r.ifNoneMatch])).toEqual([
        [200, undefined],
        [304, download!.etag],
      ]);
    });

    it('keeps the mode of a file it replaces', async () => {
      const path = join(dir, 'config.yaml');
      writeFileSync(path, 'old', { mode: 0o644 });
      await syncRemoteConfigAtStart({ config: path });
      expect(readFileSync(path, 'utf8')).toBe(GOOD);
      expect(statSync(path).mode & 0o777).toBe(0o644);
    });

    it('does nothing without CONFIG_S3_BUCKET and CONFIG_S3_KEY', async () => {
      delete process.env.CONFIG_S3_BUCKET;
      delete process.env.CONFIG_S3_KEY;
      try {
        await expect(syncRemoteConfigAtStart({ config: join(dir, 'x.yaml') })).resolves.toBe(
          undefined,
        );
        expect(stub.requests).toHaveLength(0);
        process.env.CONFIG_S3_KEY = KEY;
        await expect(syncRemoteConfigAtStart({})).rejects.toBeInstanceOf(ConfigValidationError);
      } finally {
        process.env.CONFIG_S3_BUCKET = BUCKET;
        process.env.CONFIG_S3_KEY = KEY;
      }
    });

    it('fails with one line naming the object when it is missing, leaving the file alone', async () => {
      const path = join(dir, 'config.yaml');
      writeFileSync(path, 'local');
      stub.delete(BUCKET, KEY);
      const failure = syncRemoteConfigAtStart({ config: path });
      await expect(failure).rejects.toBeInstanceOf(RemoteConfigError);
      await expect(failure).rejects.toMatchObject({ code: RemoteConfigErrorCode.NotFound });
      await expect(failure).rejects.toThrow(
        /^cannot download the config s3:\/\/configs\/gateway\.yaml: the object does not exist \(NoSuchKey\)$/,
      );
      expect(readFileSync(path, 'utf8')).toBe('local');
    });
  });

  describe('sync', () => {
    let path: string;
    beforeEach(() => {
      path = join(dir, 'config.yaml');
      writeFileSync(path, GOOD);
    });

    it('adopts the ETag of an object it already runs, without applying it', async () => {
      const mirror = mirrorOf(path);
      expect(mirror.currentEtag).toBeUndefined();
      const apply = jest.fn(() => Promise.resolve());
      const outcome = await mirror.sync(apply);
      expect(outcome).toEqual({ kind: 'adopted', etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
      expect(apply).not.toHaveBeenCalled();
      expect(mirror.view()).toMatchObject({
        source: 's3',
        bucket: BUCKET,
        key: KEY,
        lastError: null,
      });
    });

    it('writes a new object before applying it', async () => {
      const mirror = mirrorOf(path);
      await mirror.sync(() => Promise.resolve());
      const etag = stub.put(BUCKET, KEY, NEWER);
      let seen = '';
      const outcome = await mirror.sync(() => {
        seen = readFileSync(path, 'utf8');
        return Promise.resolve();
      });
      expect(outcome).toEqual({ kind: 'installed', etag: `"${etag}"` });
      expect(seen).toBe(NEWER);
      expect(readFileSync(path, 'utf8')).toBe(NEWER);
      expect(mirror.view()).toMatchObject({ etag, lastError: null, lastSyncAt: expect.any(Date) });
      expect(readdirSync(dir)).toEqual(['config.yaml']);
    });

    it('puts the last good file back when applying fails, and does not try that ETag again', async () => {
      const mirror = mirrorOf(path);
      await mirror.sync(() => Promise.resolve());
      const good = mirror.currentEtag;
      const bad = stub.put(BUCKET, KEY, BAD);
      const refuse = jest.fn(() => Promise.reject(new Error('Invalid configuration: model_list')));
      await expect(mirror.sync(refuse)).resolves.toEqual({
        kind: 'rejected',
        etag: `"${bad}"`,
        reason: 'Invalid configuration: model_list',
      });
      expect(readFileSync(path, 'utf8')).toBe(GOOD);
      expect(mirror.currentEtag).toBe(good);
      const view = mirror.view();
      expect(view.source === 's3' && view.lastError).toMatch(
        new RegExp(`ETag ${bad} rejected, the previous config is kept: Invalid configuration`),
      );
      // Asked again, the store answers 304 for the rejected ETag: nothing is applied or reported.
      await expect(mirror.sync(refuse)).resolves.toEqual({ kind: 'unchanged' });
      expect(refuse).toHaveBeenCalledTimes(1);
      expect(stub.requests.at(-1)).toMatchObject({ status: 304, ifNoneMatch: `"${bad}"` });
      expect(mirror.view()).toMatchObject({ lastError: expect.stringContaining('rejected') });
      // The good object is back: the rejection is over, and nothing needs applying.
      stub.put(BUCKET, KEY, GOOD);
      await expect(mirror.sync(refuse)).resolves.toEqual({ kind: 'unchanged' });
      expect(mirror.view()).toMatchObject({ lastError: null });
      expect(refuse).toHaveBeenCalledTimes(1);
    });

    it('records a failed download and clears it once the store answers again', async () => {
      const mirror = mirrorOf(path);
      stub.allowAccessKeys(['AKIDSOMEONEELSE']);
      try {
        await expect(mirror.sync(() => Promise.resolve())).rejects.toMatchObject({
          code: RemoteConfigErrorCode.AccessDenied,
        });
        expect(mirror.view()).toMatchObject({ lastError: expect.stringMatching(/access denied/) });
      } finally {
        stub.allowAccessKeys(undefined);
      }
      await expect(mirror.sync(() => Promise.resolve())).resolves.toMatchObject({
        kind: 'adopted',
      });
      expect(mirror.view()).toMatchObject({ lastError: null });
    });

    it('reports a plain file when S3 is not configured', () => {
      const mirror = mirrorOf(path, { CONFIG_S3_BUCKET: '', CONFIG_S3_KEY: '' });
      expect(mirror.enabled).toBe(false);
      expect(mirror.hotReload).toBe(false);
      expect(mirror.view()).toEqual({ source: 'file', path });
    });
  });
});
