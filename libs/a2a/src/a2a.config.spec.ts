import { ConfigValidationError } from '@routeiq/config';
import { resolveA2aConfig } from './a2a.config';

describe('resolveA2aConfig', () => {
  it('defaults: off, 5 minute calls, tasks kept a day, cards refreshed hourly', () => {
    expect(resolveA2aConfig({})).toEqual({
      enabled: false,
      baseUrl: undefined,
      requestTimeoutMs: 300_000,
      taskTtlSeconds: 86_400,
      cardRefreshSeconds: 3600,
    });
  });

  it('reads A2A_CARD_REFRESH_SECONDS: 0 turns the refresh off, 60 and more set its period', () => {
    expect(resolveA2aConfig({ A2A_CARD_REFRESH_SECONDS: '0' }).cardRefreshSeconds).toBe(0);
    expect(resolveA2aConfig({ A2A_CARD_REFRESH_SECONDS: ' 60 ' }).cardRefreshSeconds).toBe(60);
    expect(resolveA2aConfig({ A2A_CARD_REFRESH_SECONDS: '604800' }).cardRefreshSeconds).toBe(
      604_800,
    );
  });

  it.each(['59', '1', '604801', '1h', '-5', '1.5'])(
    'refuses A2A_CARD_REFRESH_SECONDS=%s, naming the variable',
    (value) => {
      const resolve = (): unknown => resolveA2aConfig({ A2A_CARD_REFRESH_SECONDS: value });
      expect(resolve).toThrow(ConfigValidationError);
      expect(resolve).toThrow(/A2A_CARD_REFRESH_SECONDS/);
    },
  );

  it('names every bad variable at once', () => {
    const resolve = (): unknown =>
      resolveA2aConfig({ A2A_TASK_TTL_SECONDS: '5', A2A_CARD_REFRESH_SECONDS: 'soon' });
    expect(resolve).toThrow(/A2A_TASK_TTL_SECONDS[\s\S]*A2A_CARD_REFRESH_SECONDS/);
  });
});
