import { ProviderErrorKind, ProviderException } from '@routeiq/providers';
import { retryDelay, withRetries } from './upstream-retry';

function failure(status: number, headers?: Record<string, string>): ProviderException {
  return new ProviderException({ status, code: 'upstream_error', message: 'x', headers });
}

describe(withRetries.name, () => {
  const signal = new AbortController().signal;

  it('retries busy or unavailable upstreams up to max_retries, then gives up', async () => {
    let calls = 0;
    const attempt = async (): Promise<string> => {
      calls++;
      if (calls < 3) throw failure(503);
      return 'ok';
    };
    await expect(withRetries(attempt, 2, signal)).resolves.toBe('ok');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw failure(429, { 'retry-after': '0' });
        },
        1,
        signal,
      ),
    ).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(2);
  });

  it('never retries a bad request, an auth failure or other errors', async () => {
    for (const error of [failure(400), failure(401), new Error('bug')]) {
      let calls = 0;
      await expect(
        withRetries(
          async () => {
            calls++;
            throw error;
          },
          3,
          signal,
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('honours retry-after when short, refuses to wait when long, backs off otherwise', () => {
    expect(failure(429).kind).toBe(ProviderErrorKind.RateLimited);
    expect(retryDelay(failure(429, { 'retry-after': '2' }), 0)).toBe(2000);
    expect(retryDelay(failure(429, { 'retry-after': '60' }), 0)).toBeUndefined();
    const delay = retryDelay(failure(502), 2)!;
    expect(delay).toBeGreaterThanOrEqual(200);
    expect(delay).toBeLessThanOrEqual(400);
  });

  it('stops waiting when the client goes away', async () => {
    const controller = new AbortController();
    const error = failure(429, { 'retry-after': '5' });
    const pending = withRetries(
      async () => {
        throw error;
      },
      3,
      controller.signal,
    );
    controller.abort();
    await expect(pending).rejects.toBe(error);
  });
});
