import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 16 * 1024;
const SPAN_ID_BYTES = 8;
const TRACE_ID_BYTES = 16;

/**
 * Trace and span ids cut from a pool of random bytes: one `randomBytes` and one hex encoding per
 * ~2,000 span ids, and each id a slice of the pool's hex string (no copy), where the SDK's
 * generator writes a buffer and hex-encodes it natively for every id. The bytes of the id last
 * given stay readable (`lastBytes` at `lastAt`), so an encoder can copy them instead of parsing
 * the hex again. All-zero ids (invalid) are skipped.
 */
export class PooledIdGenerator implements IdGenerator {
  /** The pool holding the bytes of the id last given. */
  lastBytes: Buffer = Buffer.alloc(0);
  /** Where those bytes start in `lastBytes`. */
  lastAt = 0;
  private pool: Buffer = Buffer.alloc(0);
  private hex = '';
  private offset = 0;

  constructor(private readonly random: (size: number) => Buffer = randomBytes) {}

  generateTraceId(): string {
    return this.take(TRACE_ID_BYTES);
  }

  generateSpanId(): string {
    return this.take(SPAN_ID_BYTES);
  }

  /** A span id as bytes only (`lastBytes` at `lastAt`), for a span whose hex id nobody reads. */
  drawSpanId(): void {
    this.draw(SPAN_ID_BYTES);
  }

  /** The next id of `size` bytes that are not all zero (checked on the bytes, not the hex). */
  private take(size: number): string {
    const at = this.draw(size);
    return this.hex.slice(at * 2, (at + size) * 2);
  }

  /** Where the next id of `size` bytes that are not all zero starts in the pool. */
  private draw(size: number): number {
    let at: number;
    do {
      if (this.offset + size > this.pool.length) {
        this.pool = this.random(POOL_BYTES);
        this.hex = this.pool.toString('hex');
        this.offset = 0;
      }
      at = this.offset;
      this.offset = at + size;
    } while (allZero(this.pool, at, size));
    this.lastBytes = this.pool;
    this.lastAt = at;
    return at;
  }
}

function allZero(bytes: Buffer, at: number, size: number): boolean {
  for (let i = at; i < at + size; i++) if (bytes[i] !== 0) return false;
  return true;
}
