import { nextScrapeDelay, startScrapeLoop, type ScrapeLoopOptions } from './scrape-loop';

describe(nextScrapeDelay.name, () => {
  it('waits the warm-up after the first scrape and the interval after the others', () => {
    expect(nextScrapeDelay(1, 5000, 1000)).toBe(1000);
    expect(nextScrapeDelay(2, 5000, 1000)).toBe(5000);
    expect(nextScrapeDelay(10, 5000, 1000)).toBe(5000);
  });

  it('never waits longer than the interval', () => {
    expect(nextScrapeDelay(1, 500, 1000)).toBe(500);
  });
});

describe(startScrapeLoop.name, () => {
  let stop: (() => void) | undefined;
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => {
    stop?.();
    stop = undefined;
    jest.useRealTimers();
  });

  /** Starts a loop whose scrapes record the fake clock and answer `answers` in turn. */
  const run = (over: Partial<ScrapeLoopOptions> = {}, answers: boolean[] = []): number[] => {
    const at: number[] = [];
    stop = startScrapeLoop({
      scrape: () => {
        at.push(Date.now());
        return Promise.resolve(answers.shift() ?? true);
      },
      paused: () => false,
      intervalMs: 5000,
      warmupMs: 1000,
      ...over,
    });
    return at;
  };

  it('scrapes at once, after the warm-up, then every interval', async () => {
    const at = run();
    await jest.advanceTimersByTimeAsync(0);
    expect(at).toEqual([0]);
    await jest.advanceTimersByTimeAsync(999);
    expect(at).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(at).toEqual([0, 1000]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(at).toEqual([0, 1000, 6000, 11_000]);
  });

  it('waits for a slow scrape before counting the next wait', async () => {
    const at: number[] = [];
    stop = startScrapeLoop({
      scrape: () => {
        at.push(Date.now());
        return new Promise((resolve) => setTimeout(() => resolve(true), 300));
      },
      paused: () => false,
      intervalMs: 5000,
      warmupMs: 1000,
    });
    await jest.advanceTimersByTimeAsync(7000);
    expect(at).toEqual([0, 1300, 6600]);
  });

  it('stops when a scrape says scraping again cannot help', async () => {
    const at = run({}, [true, false]);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(at).toEqual([0, 1000]);
  });

  it('keeps going after a scrape that throws', async () => {
    let calls = 0;
    stop = startScrapeLoop({
      scrape: () => {
        calls += 1;
        return Promise.reject(new Error('network down'));
      },
      paused: () => false,
      intervalMs: 5000,
      warmupMs: 1000,
    });
    await jest.advanceTimersByTimeAsync(6000);
    expect(calls).toBe(3);
  });

  it('skips scrapes while paused and warms up once it is seen again', async () => {
    let hidden = true;
    const at = run({ paused: () => hidden });
    await jest.advanceTimersByTimeAsync(9000);
    expect(at).toEqual([]);
    hidden = false;
    await jest.advanceTimersByTimeAsync(2000);
    expect(at).toEqual([10_000, 11_000]);
  });

  it('scrapes no more once stopped', async () => {
    const at = run();
    await jest.advanceTimersByTimeAsync(0);
    stop?.();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(at).toEqual([0]);
  });
});
