import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceUnavailableException } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import { CoordinationHealth, InMemoryCoordinationHealth } from '@routeiq/coordination';
import { createDataSource, DatabaseHealth, type DatabaseTarget } from '@routeiq/persistence';
import { DeploymentHealthService } from '@routeiq/routing';
import type { DataSource } from 'typeorm';
import { resolveBackpressureConfig } from './backpressure.config';
import { DrainService } from './drain.service';
import { ReadinessService } from './readiness.service';
import { WarmUpRegistry } from '@routeiq/coordination';

/** The body terminus answers with: the results on 200, the 503 exception's response otherwise. */
async function probe(readiness: ReadinessService): Promise<Record<string, unknown>> {
  try {
    return { code: 200, ...(await readiness.check()) };
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    return { code: 503, ...(error.getResponse() as Record<string, unknown>) };
  }
}

describe(ReadinessService.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let moduleRef: TestingModule;
  let readiness: ReadinessService;
  let warmUp: WarmUpRegistry;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-readiness-'));
    const target: DatabaseTarget = { kind: 'sqlite', path: join(dir, 'routeiq.sqlite') };
    dataSource = await createDataSource(target).initialize();
    moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [
        ReadinessService,
        WarmUpRegistry,
        { provide: DrainService, useValue: new DrainService(resolveBackpressureConfig({})) },
        { provide: DatabaseHealth, useValue: new DatabaseHealth(dataSource, target) },
        { provide: CoordinationHealth, useValue: new InMemoryCoordinationHealth() },
        // No breaker is open: the router part of readiness is not what this spec is about.
        { provide: DeploymentHealthService, useValue: { openBreakers: () => [] } },
      ],
    }).compile();
    readiness = moduleRef.get(ReadinessService);
    warmUp = moduleRef.get(WarmUpRegistry);
  });

  afterEach(async () => {
    await moduleRef.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready with nothing to warm up and the database answering', async () => {
    await expect(probe(readiness)).resolves.toMatchObject({
      code: 200,
      status: 'ok',
      info: { warm_up: { status: 'up' }, database: { status: 'up' } },
    });
  });

  it('stays unready, naming them, until every component has loaded once', async () => {
    let registries = false;
    let artifacts = false;
    warmUp.track('mcp-registry', () => registries);
    warmUp.track('router-artifacts', () => artifacts);

    await expect(probe(readiness)).resolves.toMatchObject({
      code: 503,
      error: { warm_up: { status: 'down', pending: ['mcp-registry', 'router-artifacts'] } },
    });
    registries = true;
    await expect(probe(readiness)).resolves.toMatchObject({
      code: 503,
      error: { warm_up: { status: 'down', pending: ['router-artifacts'] } },
    });
    artifacts = true;
    await expect(probe(readiness)).resolves.toMatchObject({ code: 200, status: 'ok' });

    // Latched: a component that loaded once does not make the replica unready again.
    registries = false;
    await expect(probe(readiness)).resolves.toMatchObject({ code: 200 });
  });

  it('treats a check that throws as still warming up', async () => {
    warmUp.track('key-cache', () => {
      throw new Error('not yet');
    });
    await expect(probe(readiness)).resolves.toMatchObject({
      code: 503,
      error: { warm_up: { pending: ['key-cache'] } },
    });
  });
});
