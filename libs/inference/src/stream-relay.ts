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
   * client got an error event), or undefined when it completed or the client left.
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
  ): Promise<GatewayException | undefined> {
    const clientWantsUsage = wantsUsage(request);
    const writer: StreamWriter<TChunk> = op.streamWriter?.(res) ?? new SseWriter(res);
    writer.open(headers);
    outcome.firstByteAt = performance.now();
    const { iterator, head } = opened;
    try {
      for (const chunk of head) {
        observe?.(chunk);
        const pending = this.write(op, writer, chunk, clientWantsUsage, outcome);
        if (pending) await pending;
      }
      if (!writer.isClosed) {
        for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
          observe?.(step.value);
          const pending = this.write(op, writer, step.value, clientWantsUsage, outcome);
          if (pending) await pending;
          if (writer.isClosed) break;
        }
      }
      if (writer.isClosed) await iterator.return?.();
      writer.done();
      if (call.clientGone()) outcome.statusCode = 499;
      return undefined;
    } catch (error) {
      const failure = this.toGatewayError(error, outcome.requestId);
      if (!call.clientGone()) writer.fail(failure, outcome.requestId);
      outcome.statusCode = call.clientGone() ? 499 : failure.status;
      outcome.errorCode = failure.code;
      return call.clientGone() ? undefined : failure;
    }
  }

  private write<TChunk extends object>(
    op: AnyOperation<TChunk>,
    writer: StreamWriter<TChunk>,
    chunk: TChunk,
    clientWantsUsage: boolean,
    outcome: CallOutcome,
  ): Promise<void> | void {
    const usage = op.usage(chunk);
    if (usage) {
      outcome.usage = usage;
      if (!clientWantsUsage && isUsageOnly(chunk)) return;
    }
    if (writer.isClosed) return;
    const text = toJson(chunk);
    return writer.write(clientWantsUsage ? text : withoutNullUsage(text), chunk);
  }
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
