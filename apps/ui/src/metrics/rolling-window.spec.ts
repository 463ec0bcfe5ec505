import type { Buckets, MetricsSnapshot } from './metrics-snapshot';
import {
  appendSnapshot,
  bucketIncrease,
  counterIncrease,
  histogramQuantile,
  summarizeWindow,
  windowPoints,
} from './rolling-window';

const snapshot = (at: number, over: Partial<MetricsSnapshot> = {}): MetricsSnapshot => ({
  at,
  requests: 0,
  errors: 0,
  latency: [
    [0.1, 0],
    [1, 0],
    [Infinity, 0],
  ],
  inputTokens: 0,
  outputTokens: 0,
  spendUsd: 0,
  inFlight: 0,
  ...over,
});

describe(histogramQuantile.name, () => {
  const buckets: Buckets = [
    [0.1, 50],
    [0.5, 90],
    [1, 100],
    [Infinity, 100],
  ];

  it('interpolates inside the bucket that holds the rank', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.3);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.05);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.95);
  });

  it('answers the highest finite bound for ranks in +Inf, and null without observations', () => {
    expect(
      histogramQuantile(0.99, [
        [1, 10],
        [Infinity, 20],
      ]),
    ).toBe(1);
    expect(
      histogramQuantile(0.5, [
        [1, 0],
        [Infinity, 0],
      ]),
    ).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });
});

describe(counterIncrease.name, () => {
  it('treats a drop as a restart', () => {
    expect(counterIncrease(10, 15)).toBe(5);
    expect(counterIncrease(10, 3)).toBe(3);
  });
});

describe(bucketIncrease.name, () => {
  it('subtracts bucket by bucket, or takes the new counts after a reset', () => {
    expect(
      bucketIncrease(
        [
          [1, 2],
          [Infinity, 3],
        ],
        [
          [1, 5],
          [Infinity, 7],
        ],
      ),
    ).toEqual([
      [1, 3],
      [Infinity, 4],
    ]);
    expect(
      bucketIncrease(
        [
          [1, 9],
          [Infinity, 9],
        ],
        [
          [1, 1],
          [Infinity, 2],
        ],
      ),
    ).toEqual([
      [1, 1],
      [Infinity, 2],
    ]);
  });
});

describe(appendSnapshot.name, () => {
  it('keeps the newest snapshots up to the capacity, without touching the input', () => {
    const start = [snapshot(1), snapshot(2)];
    const next = appendSnapshot(start, snapshot(3), 2);
    expect(next.map((s) => s.at)).toEqual([2, 3]);
    expect(start).toHaveLength(2);
  });
});

describe(windowPoints.name, () => {
  it('turns consecutive scrapes into rates, quantiles and spend per interval', () => {
    const points = windowPoints([
      snapshot(0),
      snapshot(5000, {
        requests: 10,
        errors: 1,
        latency: [
          [0.1, 5],
          [1, 10],
          [Infinity, 10],
        ],
        inputTokens: 100,
        outputTokens: 400,
        spendUsd: 0.25,
      }),
    ]);
    expect(points).toHaveLength(1);
    const [point] = points;
    expect(point).toMatchObject({ at: 5000, requestsPerSec: 2, errorsPerSec: 0.2, spendUsd: 0.25 });
    expect(point!.inputTokensPerSec).toBe(20);
    expect(point!.outputTokensPerSec).toBe(80);
    expect(point!.p50Ms).toBeCloseTo(100);
    expect(point!.p99Ms).toBeCloseTo(982);
  });

  it('divides by each real interval, so a short warm-up gap gives the same rate', () => {
    const points = windowPoints([
      snapshot(0),
      snapshot(1000, { requests: 2 }),
      snapshot(6000, { requests: 12 }),
    ]);
    expect(points.map((p) => p.requestsPerSec)).toEqual([2, 2]);
    expect(points.map((p) => p.at)).toEqual([1000, 6000]);
  });

  it('has no latency for an interval without completed requests', () => {
    const [point] = windowPoints([snapshot(0), snapshot(1000)]);
    expect(point!.p50Ms).toBeNull();
    expect(point!.requestsPerSec).toBe(0);
  });
});

describe(summarizeWindow.name, () => {
  it('sums the window across a restart', () => {
    const summary = summarizeWindow([
      snapshot(0, { requests: 100, errors: 10, spendUsd: 1 }),
      snapshot(10_000, { requests: 120, errors: 10, spendUsd: 1.5 }),
      snapshot(20_000, { requests: 5, errors: 5, spendUsd: 0.1 }),
    ]);
    expect(summary).toMatchObject({ seconds: 20, requests: 25, errors: 5 });
    expect(summary!.errorRate).toBeCloseTo(0.2);
    expect(summary!.spendUsd).toBeCloseTo(0.6);
  });

  it('is null until there are two scrapes', () => {
    expect(summarizeWindow([])).toBeNull();
    expect(summarizeWindow([snapshot(0)])).toBeNull();
  });
});
