import { SseWriter, type GatewayException, type GatewayResponse } from '@routeiq/common';
import { toJson } from '@routeiq/providers';
import type {
  InferenceOperation,
  InferenceRequestShape,
  StreamWriter,
} from './inference-operation';
import { readStreamHead, type StreamHead } from './stream-head';
import type { UpstreamCall } from './upstream-call';
import type { CallOutcome } from './usage-recorder.service';

type AnyOperation<TChunk extends object> = InferenceOperation<
  InferenceRequestShape,
  object,
  TChunk
>;

const NULL_USAGE_TAIL = ',"usage":null}';

/** What plugins and the response cache do to a stream (see hooks/request-stage.ts). */
export interface StreamStage {
  /** Whether chunks go through plugins; when false only `written` and `withHeaders` are used. */
  readonly transforms: boolean;
  /** The chunks to write in place of one upstream chunk (empty: held back for now). */
  transform(chunk: object): Promise<readonly object[]>;
  /** The upstream ended: chunks held back, to write before the end. */
  flush(): Promise<readonly object[]>;
  /** A chunk handed to the writer (the usage chunk too, even when the client did not ask). */
  written(chunk: object): void;
  withHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>>;
}

/** One stream's writing state, so per-chunk calls take few arguments. */
interface Relayed<TChunk extends object> {
  readonly op: AnyOperation<TChunk>;
  readonly writer: StreamWriter<TChunk>;
  readonly clientWantsUsage: boolean;
  readonly outcome: CallOutcome;
  readonly observe: ((chunk: TChunk) => void) | undefined;
  readonly stage: StreamStage | undefined;
}

/**
 * Writes a stream to the client once its head (up to the first content) is in: the head, then
 * every further chunk as it arrives. Quotas and spend need real token counts, so the upstream is
 * always asked for usage and the usage-only chunk is kept from a client that did not ask.
 */
export class StreamRelay {
  constructor(
    private readonly toGatewayError: (error: unknown, requestId: string) => GatewayException,
  ) {}

  upstreamRequest<TRequest extends InferenceRequestShape>(request: TRequest): TRequest {
    if (wantsUsage(request)) return request;
    const options = (request as { stream_options?: object }).stream_options;
    return { ...request, stream_options: { ...options, include_usage: true } };
  }

  open<TChunk extends object>(
    stream: AsyncIterable<TChunk>,
    op: AnyOperation<TChunk>,
    deploymentId: string,
  ): Promise<StreamHead<TChunk>> {
    const hasContent = op.hasContent ? (chunk: TChunk) => op.hasContent!(chunk) : undefined;
    return readStreamHead(stream, hasContent, deploymentId);
  }

  /**
   * Relays the stream; resolves to the failure that ended it early (after the first byte: the
   * client got an error event), or undefined when it completed or the client left. With a stage
   * that transforms, the head goes through plugins before anything is sent, so a refusal there is
   * still an HTTP error (thrown).
   */
  async pipe<TChunk extends object>(
    op: AnyOperation<TChunk>,
    request: InferenceRequestShape,
    opened: StreamHead<TChunk>,
    res: GatewayResponse,
    call: UpstreamCall,
    outcome: CallOutcome,
    headers: Readonly<Record<string, string>>,
    observe?: (chunk: TChunk) => void,
    stage?: StreamStage,
  ): Promise<GatewayException | undefined> {
    const writer: StreamWriter<TChunk> = op.streamWriter?.(res) ?? new SseWriter(res);
    const relay = { op, writer, clientWantsUsage: wantsUsage(request), outcome, observe, stage };
    const { iterator } = opened;
    let head: readonly TChunk[] = opened.head;
    if (stage?.transforms) {
      try {
        head = await this.transformed(relay, head);
      } catch (error) {
        await iterator.return?.();
        throw error;
      }
    }
    writer.open(stage ? stage.withHeaders(headers) : headers);
    outcome.firstByteAt = performance.now();
    try {
      await this.relay(relay, head, iterator);
      if (writer.isClosed) await iterator.return?.();
      writer.done();
      if (call.clientGone()) outcome.statusCode = 499;
      return undefined;
    } catch (error) {
      // A refusal mid-stream (a guardrail's block) leaves the upstream unread: stop it, so its
      // connection does not idle on until the upstream gives up. A failed upstream is done already.
      await iterator.return?.().catch(() => undefined);
      const failure = this.toGatewayError(error, outcome.requestId);
      if (!call.clientGone()) writer.fail(failure, outcome.requestId);
      outcome.statusCode = call.clientGone() ? 499 : failure.status;
      outcome.errorCode = failure.code;
      return call.clientGone() ? undefined : failure;
    }
  }

  private async relay<TChunk extends object>(
    relay: Relayed<TChunk>,
    head: readonly TChunk[],
    iterator: AsyncIterator<TChunk>,
  ): Promise<void> {
    const { writer, stage } = relay;
    for (const chunk of head) {
      const pending = this.write(relay, chunk);
      if (pending) await pending;
    }
    if (writer.isClosed) return;
    const transforms = stage?.transforms === true;
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      if (transforms) {
        for (const chunk of await this.transformed(relay, [step.value])) {
          await this.write(relay, chunk);
        }
      } else {
        const pending = this.write(relay, step.value);
        if (pending) await pending;
      }
      if (writer.isClosed) return;
    }
    if (transforms && stage) {
      for (const chunk of (await stage.flush()) as readonly TChunk[])
        await this.write(relay, chunk);
    }
  }

  /** Chunks through the plugins; usage is read from the upstream's chunks, before any change. */
  private async transformed<TChunk extends object>(
    relay: Relayed<TChunk>,
    chunks: readonly TChunk[],
  ): Promise<TChunk[]> {
    const out: TChunk[] = [];
    for (const chunk of chunks) {
      const usage = relay.op.usage(chunk);
      if (usage) relay.outcome.usage = usage;
      out.push(...((await relay.stage!.transform(chunk)) as TChunk[]));
    }
    return out;
  }

  private write<TChunk extends object>(
    relay: Relayed<TChunk>,
    chunk: TChunk,
  ): Promise<void> | void {
    const { op, writer, clientWantsUsage, outcome, stage } = relay;
    relay.observe?.(chunk);
    stage?.written(chunk);
    const usage = op.usage(chunk);
    if (usage) {
      outcome.usage = usage;
      if (!clientWantsUsage && isUsageOnly(chunk)) return;
    }
    if (writer.isClosed) return;
    // A chunk that went through plugins may have been changed in place: its upstream bytes are stale.
    const text = stage?.transforms ? JSON.stringify(chunk) : toJson(chunk);
    return writer.write(clientWantsUsage ? text : withoutNullUsage(text), chunk);
  }
}

/** Writes stored chunks (a response cache hit) as the live stream would have, `[DONE]` last. */
export async function replayStream<TChunk extends object>(
  op: AnyOperation<TChunk>,
  request: InferenceRequestShape,
  chunks: readonly object[],
  res: GatewayResponse,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  const writer: StreamWriter<TChunk> = op.streamWriter?.(res) ?? new SseWriter(res);
  const clientWantsUsage = wantsUsage(request);
  writer.open(headers);
  for (const chunk of chunks as readonly TChunk[]) {
    if (writer.isClosed) return;
    if (!clientWantsUsage && isUsageOnly(chunk) && op.usage(chunk)) continue;
    const text = toJson(chunk);
    const pending = writer.write(clientWantsUsage ? text : withoutNullUsage(text), chunk);
    if (pending) await pending;
  }
  writer.done();
}

function wantsUsage(request: InferenceRequestShape): boolean {
  const options = (request as { stream_options?: { include_usage?: unknown } }).stream_options;
  return options?.include_usage === true;
}

/**
 * Asked for usage, OpenAI adds `"usage":null` to every chunk; a client that did not ask gets the
 * chunks it would have had (the field is last on the wire, so this is one string check).
 */
function withoutNullUsage(text: string): string {
  return text.endsWith(NULL_USAGE_TAIL) ? `${text.slice(0, -NULL_USAGE_TAIL.length)}}` : text;
}

/** OpenAI's final usage chunk: `choices` is empty, only `usage` is filled in. */
function isUsageOnly(chunk: object): boolean {
  const choices = (chunk as { choices?: unknown }).choices;
  return Array.isArray(choices) && choices.length === 0;
}
