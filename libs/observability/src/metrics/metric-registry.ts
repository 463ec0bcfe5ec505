import { Counter, Histogram, Observed } from './metric-instruments';
import {
  DEFAULT_MAX_SERIES,
  prometheusLabelName,
  type HistogramDescriptor,
  type MetricDescriptor,
  type MetricFamily,
  type ObservedCollect,
} from './metric.types';

const PROMETHEUS_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

type Instrument = Counter | Histogram | Observed;

/**
 * A small, fast metric registry for the request path. Prometheus text and OTLP export both read it
 * at collection time; recording never allocates once a series exists, beyond the rest arguments.
 */
export class MetricRegistry {
  private readonly instruments: Instrument[] = [];
  private readonly names = new Set<string>();
  private readonly maxSeries: number;

  constructor(options: { readonly maxSeries?: number } = {}) {
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  counter(descriptor: MetricDescriptor): Counter {
    assertCounterName(descriptor);
    return this.register(new Counter(descriptor, this.capFor(descriptor)));
  }

  histogram(descriptor: HistogramDescriptor): Histogram {
    assertBuckets(descriptor);
    if (descriptor.labels.some((label) => prometheusLabelName(label) === 'le')) {
      throw new Error(`Metric ${descriptor.name}: 'le' is reserved for histogram buckets`);
    }
    return this.register(new Histogram(descriptor, this.capFor(descriptor)));
  }

  /** An observable gauge: `collect(emit)` runs at each collection. */
  gauge(descriptor: MetricDescriptor, collect: ObservedCollect): Observed {
    return this.register(new Observed('gauge', descriptor, collect, this.capFor(descriptor)));
  }

  /** A monotonic total read at collection time (e.g. process CPU seconds). */
  observableCounter(descriptor: MetricDescriptor, collect: ObservedCollect): Observed {
    assertCounterName(descriptor);
    return this.register(new Observed('counter', descriptor, collect, this.capFor(descriptor)));
  }

  /**
   * Every metric, in registration order. A throwing observe callback skips its metric and is
   * pushed to `errors` (a scrape must not fail because one source did).
   */
  collect(errors?: unknown[]): MetricFamily[] {
    const families: MetricFamily[] = [];
    for (const instrument of this.instruments) {
      if (instrument instanceof Histogram) {
        families.push({
          kind: 'histogram',
          descriptor: instrument.descriptor,
          points: instrument.points,
        });
      } else if (instrument instanceof Counter) {
        families.push({
          kind: 'counter',
          descriptor: instrument.descriptor,
          points: instrument.points,
        });
      } else {
        try {
          const points = instrument.observe();
          families.push({ kind: instrument.kind, descriptor: instrument.descriptor, points });
        } catch (error) {
          errors?.push(error);
        }
      }
    }
    return families;
  }

  private capFor(descriptor: MetricDescriptor): number {
    return Math.max(1, descriptor.maxSeries ?? this.maxSeries);
  }

  private register<I extends Instrument>(instrument: I): I {
    const { name, prometheusName } = instrument.descriptor;
    if (!PROMETHEUS_NAME.test(prometheusName)) {
      throw new Error(`Metric ${name}: invalid Prometheus name '${prometheusName}'`);
    }
    const labels = new Set(instrument.descriptor.labels.map(prometheusLabelName));
    if (labels.size !== instrument.descriptor.labels.length) {
      throw new Error(`Metric ${name}: two labels share a Prometheus name`);
    }
    if (this.names.has(name) || this.names.has(`prom:${prometheusName}`)) {
      throw new Error(`Metric ${name} (${prometheusName}) is already registered`);
    }
    this.names.add(name).add(`prom:${prometheusName}`);
    this.instruments.push(instrument);
    return instrument;
  }
}

function assertCounterName(descriptor: MetricDescriptor): void {
  if (!descriptor.prometheusName.endsWith('_total')) {
    throw new Error(`Counter ${descriptor.name}: Prometheus name must end in _total`);
  }
}

function assertBuckets(descriptor: HistogramDescriptor): void {
  const ok = descriptor.buckets.every(
    (bound, i, all) => Number.isFinite(bound) && (i === 0 || bound > all[i - 1]!),
  );
  if (!ok || descriptor.buckets.length === 0) {
    throw new Error(`Histogram ${descriptor.name}: buckets must be finite and strictly increasing`);
  }
}
