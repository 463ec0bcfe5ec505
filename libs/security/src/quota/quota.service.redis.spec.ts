import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import {
  CoordinationKeys,
  RedisConnections,
  RedisQuotaCounterStore,
  type QuotaCounterStore,
} from '@routeiq/coordination';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { planCounters } from './quota-plan';
import { NO_QUOTA_RESERVATION } from './quota-reservation';
import { resolveQuotaConfig } from './quota.config';
import { QuotaErrorCode, QuotaException } from './quota.exception';
import { QuotaService } from './quota.service';
import type { QuotaRequest, QuotaReservation } from './quota.types';

const ESTIMATE = { inputTokens: 40, outputTokens: 60, spendUsd: 0.01 };
const KEYED: QuotaRequest = {
  subjects: { key: 'k1', ip: '10.0.0.1' },
  keyLimits: { rpm: 50, tpm: 1_000_000 },
  estimate: ESTIMATE,
};

function service(store: QuotaCounterStore, env: Record<string, string> = {}): QuotaService {
  return new QuotaService(resolveQuotaConfig(env), store);
}

describe(`${QuotaService.name} on Redis`, () => {
  const opened: RedisConnections[] = [];

  function connect(url: string): RedisConnections {
    const connections = new RedisConnections(url);
    opened.push(connections);
    return connections;
  }

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(opened.map((connections) => connections.close()));
    opened.length = 0;
  });

  it('admits exactly rpm requests from two replicas racing, then settles to actual tokens', async () => {
    const keys = new CoordinationKeys(uniqueRedisPrefix());
    const replicas = [connect(TEST_REDIS_URL), connect(TEST_REDIS_URL)];
    expect(await Promise.all(replicas.map((c) => c.waitUntilReady(5000)))).toEqual([true, true]);
    const stores = replicas.map((c) => new RedisQuotaCounterStore(c, keys, 5000));
    const services = stores.map((store) =>
      service(store, { ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS: '5000' }),
    );

    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        services[i % 2]!.reserve(KEYED).then(
          (reservation) => reservation,
          (error: QuotaException) => error,
        ),
      ),
    );
    const admitted = outcomes.filter((o): o is QuotaReservation => !(o instanceof QuotaException));
    const refused = outcomes.filter((o) => o instanceof QuotaException);
    expect(admitted).toHaveLength(50);
    expect(new Set(refused.map((e) => `${e.code} ${e.details?.metric}`))).toEqual(
      new Set(['quota_exceeded requests']),
    );

    await Promise.all(
      admitted.map((r) => r.settle({ inputTokens: 20, outputTokens: 10, spendUsd: 0.001 })),
    );
    const counters = planCounters([], KEYED, Date.now());
    await expect(stores[0]!.read(counters.map((c) => c.key))).resolves.toEqual([50, 1500]);

    const admin = new Redis(TEST_REDIS_URL);
    await admin.del(...counters.map((c) => keys.quotaCounter(c.key)));
    admin.disconnect();
  });

  describe('when Redis is unreachable', () => {
    const unreachable = () =>
      new RedisQuotaCounterStore(connect('redis://127.0.0.1:1'), new CoordinationKeys('t:'));

    it('fails closed by default with 503 quota_storage_unavailable', async () => {
      const error = await service(unreachable())
        .reserve(KEYED)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(QuotaException);
      expect(error).toMatchObject({
        status: 503,
        code: QuotaErrorCode.QuotaStorageUnavailable,
        message: 'Quota storage is unavailable; try again shortly',
      });
    });

    it('fails open when asked, warning at most once per 10 s', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
      const quotas = service(unreachable(), { ROUTEIQ_QUOTA_FAIL_MODE: 'open' });

      await expect(quotas.reserve(KEYED)).resolves.toBe(NO_QUOTA_RESERVATION);
      now.mockReturnValue(1_009_999);
      await expect(quotas.reserve(KEYED)).resolves.toBe(NO_QUOTA_RESERVATION);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^quota storage unavailable, admitting requests unchecked: .*not connected/,
        ),
      );

      now.mockReturnValue(1_010_000);
      await expect(quotas.reserve(KEYED)).resolves.toBe(NO_QUOTA_RESERVATION);
      expect(warn).toHaveBeenCalledTimes(2);
    });

    it('still serves requests without limits, with no Redis call', async () => {
      const store = unreachable();
      const reserve = jest.spyOn(store, 'reserve');
      await expect(service(store).reserve({ ...KEYED, keyLimits: undefined })).resolves.toBe(
        NO_QUOTA_RESERVATION,
      );
      expect(reserve).not.toHaveBeenCalled();
    });
  });

  it('settles without throwing when Redis went away after the reservation', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const connections = connect(TEST_REDIS_URL);
    expect(await connections.waitUntilReady(5000)).toBe(true);
    const quotas = service(
      new RedisQuotaCounterStore(connections, new CoordinationKeys(uniqueRedisPrefix())),
    );
    const reservation = await quotas.reserve({ ...KEYED, keyLimits: { tpm: 1000 } });

    await connections.close();
    await expect(reservation.settle({ ...ESTIMATE, outputTokens: 1 })).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^quota settle failed/));
  });

  describe('when a connected Redis stops answering', () => {
    let server: Server;
    const sockets: Socket[] = [];

    // Completes ioredis's handshake (CLIENT SETINFO, INFO), then never answers again.
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.push(socket);
        socket.on('data', (data) => {
          const text = data.toString();
          for (const _ of text.matchAll(/\r\nCLIENT\r\n/gi)) socket.write('+OK\r\n');
          if (!/\r\nINFO\r\n/i.test(text)) return;
          const info = 'redis_version:7.0.0\r\nloading:0\r\n';
          socket.write(`$${info.length}\r\n${info}\r\n`);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    });

    it('gives up after ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS and fails closed', async () => {
      const { port } = server.address() as AddressInfo;
      const connections = connect(`redis://127.0.0.1:${port}`);
      expect(await connections.waitUntilReady(5000)).toBe(true);
      const store = new RedisQuotaCounterStore(connections, new CoordinationKeys('t:'), 10_000);
      const quotas = service(store, { ROUTEIQ_QUOTA_REDIS_TIMEOUT_MS: '80' });

      const started = performance.now();
      await expect(quotas.reserve(KEYED)).rejects.toMatchObject({
        code: QuotaErrorCode.QuotaStorageUnavailable,
        cause: expect.objectContaining({
          message: expect.stringContaining('timed out after 80 ms'),
        }),
      });
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });
});
