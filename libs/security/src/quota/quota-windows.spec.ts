import { calendarWindow, formatResetDuration, secondsUntil } from './quota-windows';

describe('quota windows', () => {
  const at = Date.UTC(2024, 1, 29, 23, 59, 30, 250); // leap day, 30 s before midnight UTC

  it.each([
    ['minute', Date.UTC(2024, 1, 29, 23, 59), Date.UTC(2024, 2, 1, 0, 0)],
    ['hour', Date.UTC(2024, 1, 29, 23), Date.UTC(2024, 2, 1, 0)],
    ['day', Date.UTC(2024, 1, 29), Date.UTC(2024, 2, 1)],
    ['month', Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1)],
  ] as const)('aligns a %s to UTC calendar boundaries', (window, startMs, endMs) => {
    expect(calendarWindow(window, at)).toEqual({ startMs, endMs });
  });

  it('rolls a December month into January of the next year', () => {
    expect(calendarWindow('month', Date.UTC(2025, 11, 31, 12))).toEqual({
      startMs: Date.UTC(2025, 11, 1),
      endMs: Date.UTC(2026, 0, 1),
    });
  });

  it('puts a boundary instant in the window it starts', () => {
    expect(calendarWindow('minute', Date.UTC(2024, 0, 1, 0, 1))).toEqual({
      startMs: Date.UTC(2024, 0, 1, 0, 1),
      endMs: Date.UTC(2024, 0, 1, 0, 2),
    });
  });

  it('rounds retry-after up to whole seconds, at least 1', () => {
    expect(secondsUntil(at + 14_500, at)).toBe(15);
    expect(secondsUntil(at + 15_000, at)).toBe(15);
    expect(secondsUntil(at, at)).toBe(1);
  });

  it.each([
    [250, '250ms'],
    [12_000, '12s'],
    [12_001, '13s'],
    [360_000, '6m0s'],
    [7_500_000, '2h5m0s'],
  ])('formats a reset of %d ms as %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});
