import { ConfigValidationError } from '@routeiq/config';
import { resolveResponsesConfig } from './responses.config';

describe('resolveResponsesConfig', () => {
  it('stores for 30 days by default', () => {
    expect(resolveResponsesConfig({})).toEqual({ store: true, ttlSeconds: 2_592_000 });
  });

  it('reads ROUTEIQ_RESPONSES_STORE and ROUTEIQ_RESPONSES_TTL_SECONDS', () => {
    const config = resolveResponsesConfig({
      ROUTEIQ_RESPONSES_STORE: 'false',
      ROUTEIQ_RESPONSES_TTL_SECONDS: '3600',
    });
    expect(config).toEqual({ store: false, ttlSeconds: 3600 });
  });

  it('fails naming each bad variable', () => {
    const resolve = (): unknown =>
      resolveResponsesConfig({
        ROUTEIQ_RESPONSES_STORE: 'maybe',
        ROUTEIQ_RESPONSES_TTL_SECONDS: '1h',
      });
    expect(resolve).toThrow(ConfigValidationError);
    expect(resolve).toThrow(/ROUTEIQ_RESPONSES_STORE[\s\S]*ROUTEIQ_RESPONSES_TTL_SECONDS/);
  });
});
