import { epochMillis, toEpochMillis } from './span-clock';

describe(epochMillis.name, () => {
  it('reads the wall clock, finer than a millisecond, never going back', () => {
    const readings = Array.from({ length: 1000 }, () => epochMillis());

    expect(Math.abs(readings[0]! - Date.now())).toBeLessThan(50);
    for (let i = 1; i < readings.length; i++)
      expect(readings[i]!).toBeGreaterThanOrEqual(readings[i - 1]!);
    expect(readings.some((ms) => !Number.isInteger(ms))).toBe(true);
  });
});

describe(toEpochMillis.name, () => {
  it('reads a performance.now() reading on the same clock as epochMillis', () => {
    const before = epochMillis();
    const converted = toEpochMillis(performance.now());
    const after = epochMillis();

    expect(converted).toBeGreaterThanOrEqual(before);
    expect(converted).toBeLessThanOrEqual(after);
  });

  it('takes epoch milliseconds, Dates and HrTimes as they are', () => {
    expect(toEpochMillis(1_800_000_000_123)).toBe(1_800_000_000_123);
    expect(toEpochMillis(new Date(1_800_000_000_000))).toBe(1_800_000_000_000);
    expect(toEpochMillis([1_800_000_000, 500_000_000])).toBe(1_800_000_000_500);
  });
});
