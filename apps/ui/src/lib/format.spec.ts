import { formatMs, formatPercent, localDayBounds, ofLimit, virtualKeyId } from './format';

describe(localDayBounds.name, () => {
  it('spans one local day', () => {
    const bounds = localDayBounds('2026-03-14');
    expect(bounds).not.toBeNull();
    const start = new Date(bounds!.start);
    const end = new Date(bounds!.end);
    expect(start.getFullYear()).toBe(2026);
    expect(start.getMonth()).toBe(2);
    expect(start.getDate()).toBe(14);
    expect(start.getHours()).toBe(0);
    expect(end.getDate()).toBe(15);
    expect(end.getHours()).toBe(0);
  });

  it('refuses anything that is not a date', () => {
    expect(localDayBounds('14/03/2026')).toBeNull();
    expect(localDayBounds('')).toBeNull();
  });
});

describe('formatting', () => {
  it('prints latencies, percentages and limits', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(2.345)).toBe('2.3 ms');
    expect(formatMs(250)).toBe('250 ms');
    expect(formatMs(1500)).toBe('1.50 s');
    expect(formatPercent(0.05)).toBe('5.00%');
    expect(formatPercent(0.5)).toBe('50.0%');
    expect(ofLimit('3', null, String)).toBe('3');
    expect(ofLimit('3', 10, String)).toBe('3 / 10');
  });

  it('derives the request log id of a virtual key', () => {
    expect(virtualKeyId('0123456789abcdef0123')).toBe('vk-0123456789ab');
  });
});
