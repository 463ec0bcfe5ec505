import type { GatewaySpanBatchOptions } from '../export/gateway-span.exporter';
import type { GatewaySpanLimits } from './gateway-span';

type Env = Readonly<Record<string, string | undefined>>;

/** A number as the SDK reads one from the environment: unset, blank or not a number is unset. */
function numberFrom(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isNaN(value) ? undefined : value;
}

/** As the batch processor's environment reading: a negative number is unset too. */
function nonNegative(env: Env, name: string): number | undefined {
  const value = numberFrom(env, name);
  return value !== undefined && value >= 0 ? value : undefined;
}

/**
 * The span limits the SDK's tracer provider applies, from the same variables and with the same
 * defaults (128 of each, values unlimited).
 */
export function resolveGatewaySpanLimits(env: Env): GatewaySpanLimits {
  return Object.freeze({
    attributeCountLimit:
      numberFrom(env, 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ??
      numberFrom(env, 'OTEL_ATTRIBUTE_COUNT_LIMIT') ??
      128,
    attributeValueLengthLimit:
      numberFrom(env, 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      numberFrom(env, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      Infinity,
    eventCountLimit: numberFrom(env, 'OTEL_SPAN_EVENT_COUNT_LIMIT') ?? 128,
    linkCountLimit: numberFrom(env, 'OTEL_SPAN_LINK_COUNT_LIMIT') ?? 128,
    attributePerEventCountLimit:
      numberFrom(env, 'OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT') ?? 128,
    attributePerLinkCountLimit: numberFrom(env, 'OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT') ?? 128,
  });
}

/**
 * The batch processor's settings from `OTEL_BSP_*`, with its defaults (queue 2048, batch 512,
 * 5 s); a batch larger than the queue is cut to the queue, as the SDK does.
 */
export function resolveGatewaySpanBatchOptions(env: Env): GatewaySpanBatchOptions {
  const maxQueueSize = nonNegative(env, 'OTEL_BSP_MAX_QUEUE_SIZE') ?? 2048;
  const maxExportBatchSize = nonNegative(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512;
  return Object.freeze({
    maxQueueSize,
    maxExportBatchSize: Math.min(maxExportBatchSize, maxQueueSize),
    scheduledDelayMillis: nonNegative(env, 'OTEL_BSP_SCHEDULE_DELAY') ?? 5000,
  });
}
