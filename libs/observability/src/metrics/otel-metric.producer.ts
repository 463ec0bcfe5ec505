import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram as OtelHistogram,
  type MetricData,
  type MetricDescriptor as OtelMetricDescriptor,
  type MetricProducer,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { MetricRegistry } from './metric-registry';
import type { HistogramPoint, MetricDescriptor, MetricFamily, ScalarPoint } from './metric.types';

export const METRICS_SCOPE_NAME = 'routeiq-gateway';

/**
 * Bridges a `MetricRegistry` to the OpenTelemetry SDK: pass it in a `MetricReader`'s
 * `metricProducers` and the registry's metrics are exported with the SDK's own (the reader keeps
 * the SDK's resource). Everything is cumulative, whatever temporality the exporter prefers.
 */
export class RegistryMetricProducer implements MetricProducer {
  constructor(private readonly registry: MetricRegistry) {}

  async collect(): Promise<CollectionResult> {
    const errors: unknown[] = [];
    const families = this.registry.collect(errors);
    const endTime = millisToHrTime(Date.now());
    const metrics = families
      .filter((family) => family.points.length > 0)
      .map((family) => toMetricData(family, endTime));
    const scopeMetrics: ScopeMetrics[] =
      metrics.length === 0 ? [] : [{ scope: { name: METRICS_SCOPE_NAME }, metrics }];
    return { resourceMetrics: { resource: emptyResource(), scopeMetrics }, errors };
  }
}

function toMetricData(family: MetricFamily, endTime: HrTime): MetricData {
  const descriptor = otelDescriptor(family.descriptor);
  const aggregationTemporality = AggregationTemporality.CUMULATIVE;
  const keys = family.descriptor.labels;
  switch (family.kind) {
    case 'counter':
      return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: family.points.map((point) => scalarPoint(keys, point, endTime)),
      };
    case 'gauge':
      return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.GAUGE,
        dataPoints: family.points.map((point) => scalarPoint(keys, point, endTime)),
      };
    case 'histogram':
      return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: family.points.map((point) =>
          histogramPoint(keys, family.descriptor.buckets, point, endTime),
        ),
      };
  }
}

function otelDescriptor(descriptor: MetricDescriptor): OtelMetricDescriptor {
  return {
    name: descriptor.name,
    description: descriptor.help,
    unit: descriptor.unit,
    valueType: ValueType.DOUBLE,
  };
}

function scalarPoint(
  keys: readonly string[],
  point: ScalarPoint,
  endTime: HrTime,
): DataPoint<number> {
  return {
    startTime: millisToHrTime(point.startTimeMs),
    endTime,
    attributes: toAttributes(keys, point.labelValues),
    value: point.value,
  };
}

function histogramPoint(
  keys: readonly string[],
  bounds: readonly number[],
  point: HistogramPoint,
  endTime: HrTime,
): DataPoint<OtelHistogram> {
  // Copied: an exporter may serialise after the next request has recorded into the live series.
  const value: OtelHistogram = {
    buckets: { boundaries: [...bounds], counts: Array.from(point.bucketCounts) },
    sum: point.sum,
    count: point.count,
  };
  if (point.count > 0) {
    value.min = point.min;
    value.max = point.max;
  }
  return {
    startTime: millisToHrTime(point.startTimeMs),
    endTime,
    attributes: toAttributes(keys, point.labelValues),
    value,
  };
}

/** An empty label value means "not set" (as in Prometheus): the attribute is left out. */
function toAttributes(keys: readonly string[], values: readonly string[]): Attributes {
  const attributes: Attributes = {};
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value !== undefined && value !== '') attributes[keys[i]!] = value;
  }
  return attributes;
}
