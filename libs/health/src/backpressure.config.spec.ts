import { ConfigValidationError } from '@routeiq/config';
import { BackpressureConfig, resolveBackpressureConfig } from './backpressure.config';

describe(BackpressureConfig.name, () => {
  it('is unlimited (0) when unset or empty', () => {
    expect(resolveBackpressureConfig({}).maxConcurrentRequests).toBe(0);
    expect(
      resolveBackpressureConfig({ ROUTEIQ_MAX_CONCURRENT_REQUESTS: ' ' }).maxConcurrentRequests,
    ).toBe(0);
  });

  it('reads a whole number', () => {
    expect(
      resolveBackpressureConfig({ ROUTEIQ_MAX_CONCURRENT_REQUESTS: ' 250 ' }).maxConcurrentRequests,
    ).toBe(250);
  });

  it.each(['-1', '2.5', 'many', '1e3'])('fails start-up on %j, naming the variable', (value) => {
    const attempt = () => resolveBackpressureConfig({ ROUTEIQ_MAX_CONCURRENT_REQUESTS: value });
    expect(attempt).toThrow(ConfigValidationError);
    expect(attempt).toThrow(/ROUTEIQ_MAX_CONCURRENT_REQUESTS: must be an integer >= 0/);
    expect(attempt).toThrow(value);
  });
});
