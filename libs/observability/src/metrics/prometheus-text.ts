import type { MetricRegistry } from './metric-registry';
import {
  prometheusLabelName,
  type HistogramPoint,
  type MetricFamily,
  type ScalarPoint,
} from './metric.types';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Renders every metric of the registry in the Prometheus text exposition format 0.0.4. */
export function renderPrometheusText(registry: MetricRegistry): string {
  let text = '';
  for (const family of registry.collect()) text += renderFamily(family);
  return text;
}

function renderFamily(family: MetricFamily): string {
  const { prometheusName: name, help, labels } = family.descriptor;
  const labelNames = labels.map(prometheusLabelName);
  let text = `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${family.kind}\n`;
  if (family.kind === 'histogram') {
    const bounds = family.descriptor.buckets.map(formatNumber);
    for (const point of family.points) text += renderHistogram(name, labelNames, bounds, point);
  } else {
    for (const point of family.points) text += renderScalar(name, labelNames, point);
  }
  return text;
}

function renderScalar(name: string, labelNames: readonly string[], point: ScalarPoint): string {
  const pairs = labelPairs(labelNames, point.labelValues);
  const labels = pairs === '' ? '' : `{${pairs}}`;
  return `${name}${labels} ${formatNumber(point.value)}\n`;
}

function renderHistogram(
  name: string,
  labelNames: readonly string[],
  bounds: readonly string[],
  point: HistogramPoint,
): string {
  const pairs = labelPairs(labelNames, point.labelValues);
  const bucketPrefix = pairs === '' ? `${name}_bucket{le="` : `${name}_bucket{${pairs},le="`;
  const labels = pairs === '' ? '' : `{${pairs}}`;
  let text = '';
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    cumulative += point.bucketCounts[i] ?? 0;
    text += `${bucketPrefix}${bounds[i]}"} ${formatNumber(cumulative)}\n`;
  }
  text += `${bucketPrefix}+Inf"} ${formatNumber(point.count)}\n`;
  text += `${name}_sum${labels} ${formatNumber(point.sum)}\n`;
  text += `${name}_count${labels} ${formatNumber(point.count)}\n`;
  return text;
}

function labelPairs(labelNames: readonly string[], labelValues: readonly string[]): string {
  let pairs = '';
  for (let i = 0; i < labelNames.length; i++) {
    if (i > 0) pairs += ',';
    pairs += `${labelNames[i]}="${escapeLabelValue(labelValues[i] ?? '')}"`;
  }
  return pairs;
}

/** Integers print plainly, other finite numbers as JavaScript prints them (Go's parser reads both). */
export function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : value;
}

function escapeHelp(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : help;
}
