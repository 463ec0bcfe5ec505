import { secondsToNextMinute } from './routing-failures';

describe(secondsToNextMinute.name, () => {
  const minute = Date.UTC(2026, 10, 28, 15, 2);

  it('counts whole seconds up to the next epoch minute', () => {
    expect(secondsToNextMinute(minute)).toBe(60);
    expect(secondsToNextMinute(minute + 44_500)).toBe(16);
    expect(secondsToNextMinute(minute + 59_000)).toBe(1);
  });

  it('never answers less than a second', () => {
    expect(secondsToNextMinute(minute + 59_999)).toBe(1);
  });
});
