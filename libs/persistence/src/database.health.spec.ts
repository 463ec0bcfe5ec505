import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TEST_POSTGRES_URL } from '@routeiq/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';
import type { DatabaseTarget } from './database-target';
import { DatabaseHealth } from './database.health';
import { PersistenceErrorCode } from './persistence.exception';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from './__fixtures__/test-databases';

/** A TCP relay to the real Postgres that can stop answering or drop every connection. */
class PostgresRelay {
  blackhole = false;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(private readonly upstream: URL) {
    this.server = createServer((client) => this.relay(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
    const server = connect(Number(this.upstream.port || 5432), this.upstream.hostname);
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      this.sockets.add(from);
      from.on('data', (chunk) => this.blackhole || to.write(chunk));
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  }
}

describe(DatabaseHealth.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;

    beforeEach(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
    });

    afterEach(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.cleanup();
    });

    it('pings an open database', async () => {
      await expect(new DatabaseHealth(dataSource, db.target).ping(2000)).resolves.toBeUndefined();
    });

    it('rejects once the DataSource is closed', async () => {
      const health = new DatabaseHealth(dataSource, db.target);
      await dataSource.destroy();
      await expect(health.ping(2000)).rejects.toMatchObject({
        code: PersistenceErrorCode.DatabaseUnavailable,
      });
    });
  });

  describe('on postgres behind a failing network', () => {
    let db: TestTarget;
    let relay: PostgresRelay;
    let dataSource: DataSource;
    let target: DatabaseTarget;

    beforeEach(async () => {
      db = await createTestTarget('postgres');
      relay = new PostgresRelay(new URL(TEST_POSTGRES_URL));
      const url = new URL(db.target.kind === 'postgres' ? db.target.url : '');
      url.port = String(await relay.listen());
      url.password = 'hunter2-secret';
      target = { kind: 'postgres', url: url.toString() };
      dataSource = await createDataSource(target).initialize();
    });

    afterEach(async () => {
      await relay.close();
      await dataSource.destroy().catch(() => undefined);
      await db.cleanup();
    });

    it('rejects after its timeout when the database stops answering', async () => {
      const health = new DatabaseHealth(dataSource, target);
      await expect(health.ping(2000)).resolves.toBeUndefined();
      relay.blackhole = true;

      await expect(health.ping(200)).rejects.toThrow(
        'Database unavailable: ping timed out after 200 ms',
      );
    });

    it('rejects with a sanitised message when the database is unreachable', async () => {
      const health = new DatabaseHealth(dataSource, target);
      await relay.close();

      const error: Error = await health.ping(5000).then(
        () => new Error('ping resolved'),
        (e: Error) => e,
      );
      expect(error.message).toMatch(/^Database unavailable: (?!query failed$)/);
      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('postgres://');
      expect(health.describe()).not.toContain('hunter2');
    });
  });

  it('rejects for a database that never connected (closed port)', async () => {
    const target: DatabaseTarget = {
      kind: 'postgres',
      url: 'postgres://u:pw-secret@127.0.0.1:1/x',
    };
    const dataSource = createDataSource(target);
    await expect(dataSource.initialize()).rejects.toThrow();
    await expect(new DatabaseHealth(dataSource, target).ping(1000)).rejects.toThrow(
      'Database unavailable: not connected',
    );
  });
});
