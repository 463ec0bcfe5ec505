import { Logger } from '@nestjs/common';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyBase64 } from './artifact-keys';
import type { ArtifactSigner } from './manifest-signature';
import { resolveMlArtifactConfig } from './ml-artifact.config';
import { RouterArtifactService } from './router-artifact.service';
import { writeRouterArtifact } from './router-artifact.writer';
import { ed25519Pair, sampleArtifact, tempDir } from './__fixtures__/router-artifact.fixture';

describe(RouterArtifactService.name, () => {
  const pair = ed25519Pair();
  const signer: ArtifactSigner = { type: 'ed25519', privateKey: pair.privateKey };
  let dir: string;
  let cleanup: () => void;
  let service: RouterArtifactService;
  let warnings: string[];

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    const config = resolveMlArtifactConfig({
      LLMROUTER_MODEL_PUBLIC_KEY_B64: publicKeyBase64(pair.publicKey),
    });
    service = new RouterArtifactService(config);
    warnings = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
  });

  afterEach(() => {
    service.onModuleDestroy();
    jest.restoreAllMocks();
    cleanup();
  });

  const publish = (threshold: number, by: ArtifactSigner | 'none' = signer) =>
    writeRouterArtifact(dir, sampleArtifact({ threshold }), by === 'none' ? undefined : by);

  it('serves nothing until the first load, then the loaded router', async () => {
    const { version } = await publish(0.1);
    const handle = service.acquire(dir);
    expect(handle.current).toBeUndefined();
    await handle.ready;
    expect(handle.current?.version).toBe(version);
    expect(handle.current?.artifact.threshold).toBe(0.1);
    expect(service.statuses()).toEqual([
      {
        path: dir,
        version,
        sha256: handle.current?.sha256,
        loaded_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        last_error: undefined,
        last_error_at: undefined,
        hot_reload: false,
        reload_interval_seconds: undefined,
      },
    ]);
  });

  it('swaps in a new version on reloadAll, serving the old one until the swap', async () => {
    await publish(0.1);
    const handle = service.acquire(join(dir, 'manifest.json'));
    await handle.ready;
    const old = handle.current;
    const { version } = await publish(0.2);
    const reloading = service.reloadAll();
    expect(handle.current).toBe(old);
    const [status] = await reloading;
    expect(status?.version).toBe(version);
    expect(handle.current?.artifact.threshold).toBe(0.2);
    expect(old?.artifact.threshold).toBe(0.1);
  });

  it('keeps the old router when a reload fails, logging why without content', async () => {
    const { version } = await publish(0.1);
    const handle = service.acquire(dir);
    await handle.ready;
    const path = join(dir, 'router.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"threshold":0.1', '"threshold":0.9'));
    const [status] = await service.reloadAll();
    expect(handle.current?.version).toBe(version);
    expect(status).toMatchObject({
      version,
      last_error: 'router.json does not match its sha256 in the manifest (changed after signing?)',
    });
    expect(warnings).toEqual([
      `router artifact ${dir} not loaded: router.json does not match its sha256 in the manifest ` +
        `(changed after signing?); keeping version ${version}`,
    ]);
    const fixed = await publish(0.3);
    expect((await service.reloadAll())[0]).toMatchObject({
      version: fixed.version,
      last_error: undefined,
    });
  });

  it('refuses an unsigned first load and reports it', async () => {
    await publish(0.1, 'none');
    const handle = service.acquire(dir);
    await handle.ready;
    expect(handle.current).toBeUndefined();
    expect(service.statuses()[0]?.last_error).toMatch(/unsigned/);
    expect(warnings[0]).toMatch(/no router active yet$/);
  });

  it('polls: reloads only when the manifest or a listed file changed', async () => {
    await publish(0.1);
    const handle = service.acquire(dir, { hotReload: true });
    await handle.ready;
    const first = handle.current;
    await service.checkAll();
    expect(handle.current).toBe(first);
    await publish(0.4);
    await service.checkAll();
    expect(handle.current?.artifact.threshold).toBe(0.4);
    expect(service.statuses()[0]).toMatchObject({ hot_reload: true, reload_interval_seconds: 60 });
  });

  it('polls on an unref’d timer at the shortest interval asked, cleared when released', async () => {
    const setSpy = jest.spyOn(global, 'setInterval');
    const clearSpy = jest.spyOn(global, 'clearInterval');
    await publish(0.1);
    const cold = service.acquire(dir);
    expect(setSpy).not.toHaveBeenCalled();
    const slow = service.acquire(dir, { hotReload: true, reloadIntervalSeconds: 30 });
    const fast = service.acquire(dir, { hotReload: true, reloadIntervalSeconds: 5 });
    expect(setSpy.mock.calls.map((call) => call[1])).toEqual([30_000, 5_000]);
    const timer = setSpy.mock.results[1]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    fast.release();
    expect(clearSpy).toHaveBeenCalledWith(timer);
    expect(service.statuses()[0]?.reload_interval_seconds).toBe(30);
    slow.release();
    cold.release();
    expect(service.statuses()).toEqual([]);
    await cold.ready;
  });

  it('clears its timers on module destroy', async () => {
    const clearSpy = jest.spyOn(global, 'clearInterval');
    await publish(0.1);
    const handle = service.acquire(dir, { hotReload: true, reloadIntervalSeconds: 1 });
    await handle.ready;
    service.onModuleDestroy();
    expect(clearSpy.mock.calls).toEqual([
      [expect.objectContaining({ hasRef: expect.any(Function) })],
    ]);
    expect(service.statuses()).toEqual([]);
  });

  it('refuses reload intervals outside 1..86400 seconds', () => {
    expect(() => service.acquire(dir, { hotReload: true, reloadIntervalSeconds: 0 })).toThrow(
      'reload_interval must be 1 to 86400 seconds',
    );
    expect(() => service.acquire(dir, { reloadIntervalSeconds: Number.NaN })).toThrow(RangeError);
  });
});
