/** What a metric is called and labelled, in both OpenTelemetry and Prometheus terms. */
export interface MetricDescriptor {
  /** OpenTelemetry instrument name, e.g. `gen_ai.client.operation.duration`. */
  readonly name: string;
  /**
   * Prometheus family name, e.g. `gen_ai_client_operation_duration_seconds`; counters end in
   * `_total`.
   */
  readonly prometheusName: string;
  readonly help: string;
  /** UCUM unit: `s`, `{token}`, `{request}`, `USD`, `By`. */
  readonly unit: string;
  /**
   * Attribute keys as OpenTelemetry names, e.g. `gen_ai.operation.name`; the Prometheus label is
   * the key with every char outside [a-zA-Z0-9_] replaced by `_`.
   */
  readonly labels: readonly string[];
  /** Series cap for this metric; overrides the registry's. */
  readonly maxSeries?: number;
}

export interface HistogramDescriptor extends MetricDescriptor {
  /** Finite, strictly increasing upper bounds (inclusive); `+Inf` is implicit. */
  readonly buckets: readonly number[];
}

export type ObservedEmit = (value: number, ...labelValues: string[]) => void;
/** Called at collection time; reports the current values through `emit`. */
export type ObservedCollect = (emit: ObservedEmit) => void;

/** One labelled value as collected (a counter series, or an observed sample). */
export interface ScalarPoint {
  readonly labelValues: readonly string[];
  readonly value: number;
  /** Epoch milliseconds the series started (OTLP cumulative start time). */
  readonly startTimeMs: number;
}

export interface HistogramPoint {
  readonly labelValues: readonly string[];
  readonly startTimeMs: number;
  /** Per-bucket counts, not cumulative: one per bound, then the overflow (`+Inf`) bucket. */
  readonly bucketCounts: ArrayLike<number>;
  readonly sum: number;
  readonly count: number;
  /** `Infinity` / `-Infinity` while the series is empty. */
  readonly min: number;
  readonly max: number;
}

/** A metric's state at collection time. Points are live objects: read them, do not keep them. */
export type MetricFamily =
  | {
      readonly kind: 'counter' | 'gauge';
      readonly descriptor: MetricDescriptor;
      readonly points: readonly ScalarPoint[];
    }
  | {
      readonly kind: 'histogram';
      readonly descriptor: HistogramDescriptor;
      readonly points: readonly HistogramPoint[];
    };

export const DEFAULT_MAX_SERIES = 2000;
/** The label value every label takes in the series that collects values past the series cap. */
export const OVERFLOW_LABEL_VALUE = '_other';

/** The Prometheus label name for an OpenTelemetry attribute key. */
export function prometheusLabelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
