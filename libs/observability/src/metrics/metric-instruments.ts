import {
  OVERFLOW_LABEL_VALUE,
  type HistogramDescriptor,
  type HistogramPoint,
  type MetricDescriptor,
  type ObservedCollect,
  type ScalarPoint,
} from './metric.types';

// Only observed metrics key by joined label values (at collection time, never on the hot path).
const KEY_SEPARATOR = '\u0000';

export class CounterSeries implements ScalarPoint {
  value = 0;

  constructor(
    readonly labelValues: readonly string[],
    readonly startTimeMs: number,
  ) {}

  /** Negative, NaN and infinite values are ignored: a counter only goes up, by finite steps. */
  add(value: number): void {
    if (value >= 0 && value < Infinity) this.value += value;
  }
}

export class HistogramSeries implements HistogramPoint {
  readonly bucketCounts: Float64Array;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(
    readonly labelValues: readonly string[],
    readonly startTimeMs: number,
    private readonly bounds: readonly number[],
  ) {
    this.bucketCounts = new Float64Array(bounds.length + 1);
  }

  /** NaN is ignored; it would poison the sum for the life of the process. */
  record(value: number): void {
    if (value !== value) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.bucketCounts[i]!++;
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/** Trie of series: one Map level per label, the series at the leaves. */
type TrieNode = Map<string, unknown>;

/**
 * Series keyed by their label values, capped: past the cap, values land in the overflow series.
 * A trie rather than one Map keyed by the joined values: label strings cache their hash, so a
 * lookup is a few Map probes with no key string to build and hash (3x faster on 6 labels).
 */
abstract class SeriesTable<S extends { readonly labelValues: readonly string[] }> {
  private readonly root: TrieNode = new Map();
  private readonly list: S[] = [];
  private readonly arity: number;
  private unlabelled: S | undefined;
  private overflowSeries: S | undefined;

  protected constructor(
    readonly descriptor: MetricDescriptor,
    private readonly maxSeries: number,
  ) {
    this.arity = descriptor.labels.length;
  }

  /** The series for these label values, created on first use; cache it on hot paths. */
  series(...labelValues: string[]): S {
    return this.lookup(labelValues);
  }

  /** Every series, in creation order. */
  get points(): readonly S[] {
    return this.list;
  }

  protected abstract newSeries(labelValues: readonly string[], startTimeMs: number): S;

  protected lookup(labelValues: string[]): S {
    if (this.arity === 0) return (this.unlabelled ??= this.create([]));
    const values = labelValues.length === this.arity ? labelValues : this.fit(labelValues);
    return this.find(values) ?? this.insert(values);
  }

  private find(values: readonly string[]): S | undefined {
    const last = this.arity - 1;
    let node = this.root;
    for (let i = 0; i < last; i++) {
      const next = node.get(values[i]!) as TrieNode | undefined;
      if (next === undefined) return undefined;
      node = next;
    }
    return node.get(values[last]!) as S | undefined;
  }

  private insert(values: string[]): S {
    if (this.list.length < this.maxSeries) return this.place(values, this.create(values));
    if (this.overflowSeries === undefined) {
      const other = new Array<string>(this.arity).fill(OVERFLOW_LABEL_VALUE);
      this.overflowSeries = this.find(other) ?? this.place(other, this.create(other));
    }
    return this.overflowSeries;
  }

  /** Stores `series` at the path of `values`, creating the missing levels. */
  private place(values: readonly string[], series: S): S {
    let node = this.root;
    for (let i = 0; i < this.arity - 1; i++) {
      let next = node.get(values[i]!) as TrieNode | undefined;
      if (next === undefined) node.set(values[i]!, (next = new Map()));
      node = next;
    }
    node.set(values[this.arity - 1]!, series);
    return series;
  }

  private create(values: readonly string[]): S {
    const series = this.newSeries(values, Date.now());
    this.list.push(series);
    return series;
  }

  /** Missing values become '', extras are dropped: a caller's slip must not throw mid-request. */
  private fit(labelValues: readonly string[]): string[] {
    const fitted = new Array<string>(this.arity);
    for (let i = 0; i < this.arity; i++) fitted[i] = labelValues[i] ?? '';
    return fitted;
  }
}

export class Counter extends SeriesTable<CounterSeries> {
  readonly kind = 'counter';

  constructor(descriptor: MetricDescriptor, maxSeries: number) {
    super(descriptor, maxSeries);
  }

  add(value: number, ...labelValues: string[]): void {
    this.lookup(labelValues).add(value);
  }

  protected newSeries(labelValues: readonly string[], startTimeMs: number): CounterSeries {
    return new CounterSeries(labelValues, startTimeMs);
  }
}

export class Histogram extends SeriesTable<HistogramSeries> {
  readonly kind = 'histogram';
  private readonly bounds: readonly number[];

  constructor(
    override readonly descriptor: HistogramDescriptor,
    maxSeries: number,
  ) {
    super(descriptor, maxSeries);
    this.bounds = [...descriptor.buckets];
  }

  record(value: number, ...labelValues: string[]): void {
    this.lookup(labelValues).record(value);
  }

  protected newSeries(labelValues: readonly string[], startTimeMs: number): HistogramSeries {
    return new HistogramSeries(labelValues, startTimeMs, this.bounds);
  }
}

/** A gauge or counter whose values are read at collection time by a callback. */
export class Observed {
  private readonly startTimeMs = Date.now();

  constructor(
    readonly kind: 'gauge' | 'counter',
    readonly descriptor: MetricDescriptor,
    private readonly collectFn: ObservedCollect,
    private readonly maxSeries: number,
  ) {}

  /** A repeated label set keeps the last value; past the cap, values are summed into the overflow series. */
  observe(): ScalarPoint[] {
    const arity = this.descriptor.labels.length;
    const byKey = new Map<string, ScalarPoint>();
    let overflow = 0;
    let overflowed = false;
    this.collectFn((value, ...labelValues) => {
      const fitted = Array.from({ length: arity }, (_, i) => labelValues[i] ?? '');
      const key = fitted.join(KEY_SEPARATOR);
      if (byKey.has(key) || byKey.size < this.maxSeries) {
        byKey.set(key, { labelValues: fitted, value, startTimeMs: this.startTimeMs });
      } else {
        overflow += value;
        overflowed = true;
      }
    });
    const points = [...byKey.values()];
    if (overflowed) {
      const labelValues = new Array<string>(arity).fill(OVERFLOW_LABEL_VALUE);
      points.push({ labelValues, value: overflow, startTimeMs: this.startTimeMs });
    }
    return points;
  }
}
