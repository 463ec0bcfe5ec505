import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { PooledIdGenerator } from './pooled-id.generator';

describe(PooledIdGenerator.name, () => {
  it('gives valid, distinct W3C ids across pool refills', () => {
    const ids = new PooledIdGenerator();
    const spans = new Set<string>();
    const traces = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const spanId = ids.generateSpanId();
      const traceId = ids.generateTraceId();
      expect(isValidSpanId(spanId)).toBe(true);
      expect(isValidTraceId(traceId)).toBe(true);
      spans.add(spanId);
      traces.add(traceId);
    }
    expect(spans.size).toBe(5_000);
    expect(traces.size).toBe(5_000);
  });

  it('uses every hex digit, lowercase', () => {
    const ids = new PooledIdGenerator();
    const seen = new Set(Array.from({ length: 200 }, () => ids.generateTraceId()).join(''));

    expect([...seen].sort().join('')).toBe('0123456789abcdef');
  });

  it('skips all-zero ids, which are invalid', () => {
    let calls = 0;
    // The first pool is all zeros, the next ones all 0xab.
    const ids = new PooledIdGenerator((size) => Buffer.alloc(size, calls++ === 0 ? 0 : 0xab));

    expect(ids.generateSpanId()).toBe('abababababababab');
    expect(ids.generateTraceId()).toBe('abababababababababababababababab');
  });
});
