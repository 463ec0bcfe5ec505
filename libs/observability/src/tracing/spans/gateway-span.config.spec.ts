import { resolveGatewaySpanBatchOptions, resolveGatewaySpanLimits } from './gateway-span.config';

describe(resolveGatewaySpanLimits.name, () => {
  it('gives the SDK defaults when nothing is set', () => {
    expect(resolveGatewaySpanLimits({})).toEqual({
      attributeCountLimit: 128,
      attributeValueLengthLimit: Infinity,
      eventCountLimit: 128,
      linkCountLimit: 128,
      attributePerEventCountLimit: 128,
      attributePerLinkCountLimit: 128,
    });
  });

  it('reads the span variables over the general ones', () => {
    const limits = resolveGatewaySpanLimits({
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '10',
      OTEL_ATTRIBUTE_COUNT_LIMIT: '20',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '256',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '5',
      OTEL_SPAN_LINK_COUNT_LIMIT: '0',
      OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT: '3',
      OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT: '4',
    });

    expect(limits).toEqual({
      attributeCountLimit: 10,
      attributeValueLengthLimit: 256,
      eventCountLimit: 5,
      linkCountLimit: 0,
      attributePerEventCountLimit: 3,
      attributePerLinkCountLimit: 4,
    });
  });

  it('ignores blank and non-numeric values, as the SDK does', () => {
    const limits = resolveGatewaySpanLimits({
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: ' ',
      OTEL_ATTRIBUTE_COUNT_LIMIT: '64',
      OTEL_SPAN_EVENT_COUNT_LIMIT: 'many',
    });

    expect(limits.attributeCountLimit).toBe(64);
    expect(limits.eventCountLimit).toBe(128);
  });
});

describe(resolveGatewaySpanBatchOptions.name, () => {
  it('gives the batch processor defaults when nothing is set', () => {
    expect(resolveGatewaySpanBatchOptions({})).toEqual({
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
    });
  });

  it('reads OTEL_BSP_*, ignoring negative and non-numeric values', () => {
    const options = resolveGatewaySpanBatchOptions({
      OTEL_BSP_MAX_QUEUE_SIZE: '16384',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1024',
      OTEL_BSP_SCHEDULE_DELAY: '-1',
    });

    expect(options).toEqual({
      maxQueueSize: 16384,
      maxExportBatchSize: 1024,
      scheduledDelayMillis: 5000,
    });
  });

  it('cuts a batch larger than the queue to the queue size', () => {
    const options = resolveGatewaySpanBatchOptions({
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
    });

    expect(options.maxExportBatchSize).toBe(100);
  });
});
