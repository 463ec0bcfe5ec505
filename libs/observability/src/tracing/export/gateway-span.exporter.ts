import { diag } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { EndedChildSpan } from '../spans/ended-child.span';
import type { GatewaySpan, GatewaySpanLimits, GatewaySpanSink } from '../spans/gateway-span';
import { GatewaySpanEncoder } from './gateway-span.encoder';
import { OtlpRequestFrame } from './otlp-request.frame';
import type { Scope } from './otlp-fields.encoder';
import { ProtoBufferWriter } from './proto-buffer.writer';

const MIN_BUFFER = 64 * 1024;
const MAX_SIZE_HINT = 64 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 4;
/** Room left before a batch's spans for the request frame (resource and scope, a few hundred B). */
const FRAME_ROOM = 4096;
/** Ended spans waiting to be encoded together, at most (then they are encoded at once). */
const ENCODE_BURST = 64;

/** The batch processor's settings (`OTEL_BSP_*`), with the same meaning. */
export interface GatewaySpanBatchOptions {
  /** Spans waiting to be sent; past it new spans are dropped. */
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  /** Exports in flight at once (default 4). */
  readonly concurrencyLimit?: number;
}

/** What sends a request body (OtlpHttpTransport). */
export interface OtlpBodySender {
  post(body: Uint8Array): Promise<void>;
  close(): void;
}

interface EncodedBatch {
  readonly buf: Buffer;
  readonly end: number;
  readonly count: number;
}

/**
 * Batches the gateway's own spans as OTLP protobuf and sends them, as the SDK's batch span
 * processor and OTLP exporter would, except that spans are encoded as they end: a batch holds
 * bytes, not span objects, so spans die young instead of being promoted by the collector while
 * they wait for their batch. The spans that end in one turn of the event loop are encoded together
 * right after it (`setImmediate`, at most ENCODE_BURST at a time): the encoder's code and caches
 * stay warm over a burst instead of being fetched again between the request work of every span
 * (measured: traced throughput +3-4%, docs/performance.md "Tracing overhead"). Unsampled spans are
 * dropped. Failures go to the OpenTelemetry global error handler, like the batch processor's.
 */
export class GatewaySpanExporter implements GatewaySpanSink {
  private writer: ProtoBufferWriter | undefined;
  private count = 0;
  private readonly ready: EncodedBatch[] = [];
  /** Spans in the open batch and in the sealed ones not sent yet. */
  private queued = 0;
  private dropped = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private frame: Promise<OtlpRequestFrame> | undefined;
  private stopped = false;
  private sizeHint = MIN_BUFFER;
  private readonly keys = new Map<string, Uint8Array>();
  private readonly encoder = new GatewaySpanEncoder();
  private readonly concurrency: number;
  /** Ended spans not encoded yet (see ENCODE_BURST). */
  private readonly pending: (GatewaySpan | EndedChildSpan)[] = [];
  private readonly encodeLater = (): void => this.encodePending();

  constructor(
    private readonly sender: OtlpBodySender,
    private readonly resource: Resource,
    private readonly scope: Scope,
    readonly limits: GatewaySpanLimits,
    private readonly options: GatewaySpanBatchOptions,
  ) {
    this.concurrency = Math.max(1, options.concurrencyLimit ?? DEFAULT_CONCURRENCY);
  }

  spanEnded(span: GatewaySpan | EndedChildSpan): void {
    if (!span.sampled || this.stopped) return;
    const pending = this.pending;
    pending.push(span);
    if (pending.length >= ENCODE_BURST) this.encodePending();
    else if (pending.length === 1) setImmediate(this.encodeLater);
  }

  private encodePending(): void {
    const pending = this.pending;
    try {
      for (let i = 0; i < pending.length; i++) this.encode(pending[i]!);
    } finally {
      // Pops, not `pending.length = 0`: a length store is a runtime call (see withRoom).
      while (pending.length > 0) pending.pop();
    }
  }

  private encode(span: GatewaySpan | EndedChildSpan): void {
    if (this.queued >= this.options.maxQueueSize) {
      if (this.dropped === 0) diag.debug('gateway spans: queue full, dropping spans');
      this.dropped += 1;
      return;
    }
    if (this.dropped > 0) {
      diag.warn(`Dropped ${this.dropped} spans because maxQueueSize reached`);
      this.dropped = 0;
    }
    const w = (this.writer ??= this.newWriter());
    const mark = w.pos;
    try {
      this.encoder.write(w, span);
    } catch (error) {
      // Never into the request that ended the span; the batch stays well formed.
      w.pos = mark;
      globalErrorHandler(error as Error);
      return;
    }
    this.count += 1;
    this.queued += 1;
    if (this.count >= this.options.maxExportBatchSize) {
      this.sealAndSend();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.sealAndSend(), this.options.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  /** Sends every span ended so far and waits for the exports. */
  async forceFlush(): Promise<void> {
    this.encodePending();
    this.sealAndSend();
    while (this.inFlight.size > 0 || this.ready.length > 0) {
      this.pump();
      await Promise.all([...this.inFlight]);
    }
  }

  /** Refuses later spans, sends the ones ended so far, then closes idle sockets. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
    this.sender.close();
  }

  private sealAndSend(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const w = this.writer;
    if (w && this.count > 0) {
      this.ready.push({ buf: w.buf, end: w.pos, count: this.count });
      this.sizeHint = Math.min(MAX_SIZE_HINT, Math.max(MIN_BUFFER, w.pos + (w.pos >>> 3)));
    }
    this.writer = undefined;
    this.count = 0;
    this.pump();
  }

  private pump(): void {
    while (this.ready.length > 0 && this.inFlight.size < this.concurrency) {
      const batch = this.ready.shift()!;
      this.queued -= batch.count;
      const sent = this.send(batch).catch((error: unknown) =>
        globalErrorHandler(error instanceof Error ? error : new Error(String(error))),
      );
      this.inFlight.add(sent);
      void sent.finally(() => {
        this.inFlight.delete(sent);
        this.pump();
      });
    }
  }

  private async send(batch: EncodedBatch): Promise<void> {
    const frame = await (this.frame ??= this.buildFrame());
    await this.sender.post(frame.wrap(batch.buf, FRAME_ROOM, batch.end));
  }

  private newWriter(): ProtoBufferWriter {
    const w = new ProtoBufferWriter(this.sizeHint, this.keys);
    w.begin(FRAME_ROOM);
    return w;
  }

  /** The resource may still be detecting attributes (host id): the frame waits for them. */
  private async buildFrame(): Promise<OtlpRequestFrame> {
    const resource = this.resource;
    if (resource.asyncAttributesPending) await resource.waitForAsyncAttributes?.();
    return new OtlpRequestFrame(resource, this.scope);
  }
}
