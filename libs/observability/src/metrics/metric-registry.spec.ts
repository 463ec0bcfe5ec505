import { MetricRegistry } from './metric-registry';
import {
  OVERFLOW_LABEL_VALUE,
  prometheusLabelName,
  type HistogramDescriptor,
  type MetricDescriptor,
  type MetricFamily,
} from './metric.types';

const COUNTER: MetricDescriptor = {
  name: 'test.requests',
  prometheusName: 'test_requests_total',
  help: 'Requests.',
  unit: '{request}',
  labels: ['route', 'status'],
};
const HISTOGRAM: HistogramDescriptor = {
  name: 'test.duration',
  prometheusName: 'test_duration_seconds',
  help: 'Duration.',
  unit: 's',
  labels: ['route'],
  buckets: [0.1, 1, 10],
};

function family(registry: MetricRegistry, name: string): MetricFamily {
  const found = registry.collect().find((f) => f.descriptor.name === name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

function values(registry: MetricRegistry, name: string): Array<[string[], number]> {
  const f = family(registry, name);
  if (f.kind === 'histogram') throw new Error('not a scalar');
  return f.points.map((p) => [[...p.labelValues], p.value]);
}

describe(MetricRegistry.name, () => {
  describe('counter', () => {
    it('sums per label set, and a bound series is the same series', () => {
      const registry = new MetricRegistry();
      const counter = registry.counter(COUNTER);
      counter.add(1, '/a', '200');
      counter.add(2, '/a', '200');
      counter.add(1, '/b', '500');
      const bound = counter.series('/a', '200');
      bound.add(4);
      expect(counter.series('/a', '200')).toBe(bound);
      expect(values(registry, 'test.requests')).toEqual([
        [['/a', '200'], 7],
        [['/b', '500'], 1],
      ]);
    });

    it('ignores negative, NaN and infinite values without throwing', () => {
      const registry = new MetricRegistry();
      const counter = registry.counter(COUNTER);
      counter.add(3, '/a', '200');
      counter.add(-1, '/a', '200');
      counter.add(Number.NaN, '/a', '200');
      counter.add(Infinity, '/a', '200');
      counter.series('/a', '200').add(-5);
      expect(values(registry, 'test.requests')).toEqual([[['/a', '200'], 3]]);
    });

    it('fills missing label values with "" and drops extras', () => {
      const registry = new MetricRegistry();
      const counter = registry.counter(COUNTER);
      expect(() => counter.add(1, '/a')).not.toThrow();
      counter.add(1, '/a', '200', 'extra', 'more');
      counter.add(1);
      expect(values(registry, 'test.requests')).toEqual([
        [['/a', ''], 1],
        [['/a', '200'], 1],
        [['', ''], 1],
      ]);
    });

    it('keeps label values apart even when they contain the separator character', () => {
      const registry = new MetricRegistry();
      const counter = registry.counter(COUNTER);
      counter.add(1, 'a\u0000', 'b');
      counter.add(1, 'a', '\u0000b');
      expect(values(registry, 'test.requests')).toHaveLength(2);
    });

    it('records when each series started', () => {
      const registry = new MetricRegistry();
      const counter = registry.counter(COUNTER);
      const before = Date.now();
      const series = counter.series('/a', '200');
      expect(series.startTimeMs).toBeGreaterThanOrEqual(before);
      expect(series.startTimeMs).toBeLessThanOrEqual(Date.now());
    });

    it('works without labels', () => {
      const registry = new MetricRegistry();
      const counter = registry.counter({ ...COUNTER, labels: [] });
      counter.add(2);
      counter.add(3, 'ignored');
      expect(values(registry, 'test.requests')).toEqual([[[], 5]]);
    });
  });

  describe('series cap', () => {
    it('sends new label sets past maxSeries to one _other series', () => {
      const registry = new MetricRegistry({ maxSeries: 2 });
      const counter = registry.counter(COUNTER);
      counter.add(1, '/a', '200');
      counter.add(1, '/b', '200');
      counter.add(1, '/c', '200');
      counter.add(5, '/d', '404');
      counter.add(1, '/a', '200');
      expect(values(registry, 'test.requests')).toEqual([
        [['/a', '200'], 2],
        [['/b', '200'], 1],
        [[OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE], 6],
      ]);
      expect(counter.series('/e', '200')).toBe(counter.series('/f', '500'));
    });

    it('honours a per-metric cap and applies to histograms', () => {
      const registry = new MetricRegistry({ maxSeries: 100 });
      const histogram = registry.histogram({ ...HISTOGRAM, maxSeries: 1 });
      histogram.record(0.5, '/a');
      histogram.record(0.5, '/b');
      histogram.record(20, '/c');
      const f = family(registry, 'test.duration');
      if (f.kind !== 'histogram') throw new Error('not a histogram');
      expect(f.points.map((p) => [p.labelValues[0], p.count, p.sum])).toEqual([
        ['/a', 1, 0.5],
        [OVERFLOW_LABEL_VALUE, 2, 20.5],
      ]);
    });
  });

  describe('histogram', () => {
    it('puts a value in the first bucket whose bound it does not exceed', () => {
      const registry = new MetricRegistry();
      const histogram = registry.histogram(HISTOGRAM);
      for (const v of [0.05, 0.1, 0.2, 1, 10, 11, -3]) histogram.record(v, '/a');
      histogram.series('/a').record(Number.NaN);
      const [point] = family(registry, 'test.duration').points;
      if (point === undefined || !('bucketCounts' in point)) throw new Error('no histogram point');
      expect(Array.from(point.bucketCounts)).toEqual([3, 2, 1, 1]);
      expect(point.count).toBe(7);
      expect(point.sum).toBeCloseTo(19.35);
      expect([point.min, point.max]).toEqual([-3, 11]);
    });

    it('rejects unsorted, empty or non-finite buckets and an le label', () => {
      const registry = new MetricRegistry();
      expect(() => registry.histogram({ ...HISTOGRAM, buckets: [1, 1] })).toThrow(/increasing/);
      expect(() => registry.histogram({ ...HISTOGRAM, buckets: [] })).toThrow(/increasing/);
      expect(() => registry.histogram({ ...HISTOGRAM, buckets: [1, Infinity] })).toThrow();
      expect(() => registry.histogram({ ...HISTOGRAM, labels: ['le'] })).toThrow(/reserved/);
    });
  });

  describe('observed metrics', () => {
    it('calls collect at each collection, fitting label values and capping series', () => {
      const registry = new MetricRegistry();
      let calls = 0;
      registry.gauge({ ...COUNTER, name: 'g', prometheusName: 'g', maxSeries: 2 }, (emit) => {
        calls++;
        emit(1, '/a', '200');
        emit(2, '/a', '200');
        emit(3, '/b');
        emit(4, '/c', '200', 'extra');
        emit(5, '/d', '200');
      });
      expect(calls).toBe(0);
      expect(values(registry, 'g')).toEqual([
        [['/a', '200'], 2],
        [['/b', ''], 3],
        [[OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE], 9],
      ]);
      registry.collect();
      expect(calls).toBe(2);
    });

    it('skips a metric whose callback throws and reports the error', () => {
      const registry = new MetricRegistry();
      registry.gauge({ ...COUNTER, name: 'bad', prometheusName: 'bad' }, () => {
        throw new Error('source down');
      });
      registry.counter(COUNTER).add(1, '/a', '200');
      const errors: unknown[] = [];
      const families = registry.collect(errors);
      expect(families.map((f) => f.descriptor.name)).toEqual(['test.requests']);
      expect(errors).toEqual([new Error('source down')]);
    });
  });

  describe('registration', () => {
    it('refuses duplicate names and bad Prometheus names', () => {
      const registry = new MetricRegistry();
      registry.counter(COUNTER);
      expect(() => registry.counter(COUNTER)).toThrow(/already registered/);
      expect(() => registry.gauge({ ...COUNTER, name: 'other' }, () => undefined)).toThrow(
        /already registered/,
      );
      expect(() => registry.counter({ ...COUNTER, name: 'x', prometheusName: 'x' })).toThrow(
        /_total/,
      );
      expect(() =>
        registry.gauge({ ...COUNTER, name: 'y', prometheusName: 'y.z' }, () => undefined),
      ).toThrow(/invalid Prometheus name/);
      expect(() =>
        registry.gauge(
          { ...COUNTER, name: 'z', prometheusName: 'z', labels: ['a.b', 'a_b'] },
          () => undefined,
        ),
      ).toThrow(/share a Prometheus name/);
    });
  });

  it('maps OpenTelemetry attribute keys to Prometheus label names', () => {
    expect(prometheusLabelName('gen_ai.request.model')).toBe('gen_ai_request_model');
    expect(prometheusLabelName('error-type')).toBe('error_type');
    expect(prometheusLabelName('9lives')).toBe('_9lives');
  });
});
