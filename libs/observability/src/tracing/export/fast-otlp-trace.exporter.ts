import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OtlpHttpTransport } from './otlp-http.transport';
import { OtlpProtoEncoder } from './otlp-proto.encoder';
import { resolveOtlpTraceExportConfig } from './otlp-trace-export.config';

const DEFAULT_CONCURRENCY = 4;

/** The OTLP exporter environment variables, e.g. `process.env` (read by the config helper). */
export type OtlpTraceExportEnv = Readonly<Record<string, string | undefined>>;

export interface FastOtlpTraceExporterOptions {
  /** Exports in flight at once; one more fails at once instead of queueing (default 4). */
  readonly concurrencyLimit?: number;
}

/**
 * An OTLP/HTTP protobuf span exporter (the SDK's default protocol) with a one-pass encoder:
 * same endpoint, headers, timeout and compression variables as the SDK's exporter, no retries.
 * `export` never throws; it reports FAILED on a non-2xx answer, a network error, a timeout,
 * after shutdown, or when `concurrencyLimit` exports are already in flight.
 * @throws ConfigValidationError from the constructor when an OTLP variable is invalid.
 */
export class FastOtlpTraceExporter implements SpanExporter {
  private readonly encoder = new OtlpProtoEncoder();
  private readonly transport: OtlpHttpTransport;
  private readonly concurrencyLimit: number;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(env: OtlpTraceExportEnv, options: FastOtlpTraceExporterOptions = {}) {
    this.transport = new OtlpHttpTransport(resolveOtlpTraceExportConfig(env));
    this.concurrencyLimit = Math.max(1, options.concurrencyLimit ?? DEFAULT_CONCURRENCY);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const refusal = this.refusal();
    if (refusal) {
      report(resultCallback, { code: ExportResultCode.FAILED, error: refusal });
      return;
    }
    const done = this.send(spans).then(
      (): ExportResult => ({ code: ExportResultCode.SUCCESS }),
      (error: unknown): ExportResult => ({ code: ExportResultCode.FAILED, error: toError(error) }),
    );
    const tracked = done.then((result) => report(resultCallback, result));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /** Waits for the exports in flight; later exports fail. Idle sockets are closed. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
    this.transport.close();
  }

  /** Waits for the exports in flight (this exporter keeps no queue of its own). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private refusal(): Error | undefined {
    if (this.stopped) return new Error('OTLP trace exporter is shut down');
    if (this.inFlight.size < this.concurrencyLimit) return undefined;
    return new Error(
      `OTLP trace export dropped: ${this.concurrencyLimit} exports already in flight`,
    );
  }

  /** Async, so an encoding failure becomes a rejection rather than a synchronous throw. */
  private async send(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return;
    await this.transport.post(this.encoder.encode(spans));
  }
}

/** The callback is the caller's code: a throw there must not become an unhandled rejection. */
function report(callback: (result: ExportResult) => void, result: ExportResult): void {
  try {
    callback(result);
  } catch (error) {
    diag.error('OTLP trace export result callback threw', error);
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
