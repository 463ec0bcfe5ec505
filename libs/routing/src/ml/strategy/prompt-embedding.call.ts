import type { EmbeddingResponse, ResolvedDeployment } from '@routeiq/providers';
import { decodeFloat32 } from '../float-codec';
import type { RemoteEmbeddingFeaturizer } from '../featurizer/remote-embedding.featurizer';

/** One prompt embedding call: the deployment, the deadline, and the request it is made for. */
export interface PromptEmbeddingCall {
  readonly deployment: ResolvedDeployment;
  readonly featurizer: RemoteEmbeddingFeaturizer;
  readonly timeoutMs: number;
  readonly requestId: string;
  /** The client's connection: the call stops when it goes away. */
  readonly signal?: AbortSignal;
}

/**
 * Embeds `text` through the deployment's provider adapter, exactly as `/v1/embeddings` calls it,
 * within `timeoutMs` (the adapter is also given an abort signal, but the deadline holds even if
 * it ignores it). Resolves to the prompt's dense features, or to why there are none — never
 * rejects, and the reason never holds the prompt or the upstream's message (which may echo it).
 */
export async function embedPrompt(
  text: string,
  call: PromptEmbeddingCall,
): Promise<Float32Array | string> {
  const { deployment, featurizer, timeoutMs, signal } = call;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onClientGone = (): void => controller.abort();
  signal?.addEventListener('abort', onClientGone, { once: true });
  if (signal?.aborted) controller.abort();
  try {
    const response = await untilAborted(
      deployment.adapter.embedding(
        { model: deployment.modelName, input: text, encoding_format: 'float' },
        { deployment, signal: controller.signal, requestId: call.requestId },
      ),
      controller.signal,
    );
    return featurizer.featurizeEmbedding(embeddingOf(response)).dense;
  } catch (error) {
    if (timedOut) return `the prompt's embedding by ${deployment.id} took over ${timeoutMs} ms`;
    if (signal?.aborted) return 'the client went away before the prompt was embedded';
    return `the prompt's embedding by ${deployment.id} failed: ${describe(error)}`;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onClientGone);
  }
}

/** The first embedding of an OpenAI-shaped answer: floats, or base64 little-endian float32. */
export function embeddingOf(response: EmbeddingResponse): ArrayLike<number> {
  const data: unknown = (response as { data?: unknown } | null)?.data;
  const first: unknown = Array.isArray(data) ? data[0] : undefined;
  const embedding = (first as { embedding?: unknown } | undefined)?.embedding;
  if (typeof embedding === 'string') return decodeFloat32(embedding);
  if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number')) {
    return embedding;
  }
  throw new RangeError('the answer holds no embedding');
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return Promise.race([
    work,
    new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }),
  ]);
}

/** An error code and status (ProviderException), or a RangeError's own message (ours). */
function describe(error: unknown): string {
  if (error instanceof RangeError) return error.message;
  const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
  if (typeof code === 'string') return typeof status === 'number' ? `${code} (${status})` : code;
  return 'an unexpected error';
}
