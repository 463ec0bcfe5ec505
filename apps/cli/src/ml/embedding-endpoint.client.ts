import { decodeFloat32, MAX_EMBEDDING_DIMENSIONS, type ProgressReporter } from '@routeiq/routing';
import type { EmbeddingEndpoint } from './ml-cli.args';

/** Longest wait for one embeddings request. */
const REQUEST_TIMEOUT_MS = 120_000;
/** Attempts per batch when the endpoint is overloaded (429, 5xx) or unreachable. */
const ATTEMPTS = 3;
const MAX_RETRY_WAIT_MS = 10_000;

/** `fetch`, injectable for tests. */
export type Fetch = typeof fetch;

/** The queries' embeddings, in order, all of `dimensions` values. */
export interface EmbeddedQueries {
  readonly vectors: readonly Float32Array[];
  readonly dimensions: number;
}

/**
 * Embeds `queries` through an OpenAI-compatible `POST {baseUrl}/embeddings`, `batch` at a time,
 * reporting progress per batch. Overloaded or unreachable: retried twice, after `Retry-After`
 * (at most 10 s) or 1 s, 2 s.
 * @throws Error naming the batch and the endpoint's answer (never the API key).
 */
export async function embedQueries(
  queries: readonly string[],
  endpoint: EmbeddingEndpoint,
  progress?: ProgressReporter,
  fetchImpl: Fetch = fetch,
): Promise<EmbeddedQueries> {
  const vectors: Float32Array[] = [];
  let dimensions = 0;
  for (let start = 0; start < queries.length; start += endpoint.batch) {
    const batch = queries.slice(start, start + endpoint.batch);
    const embedded = await embedBatch(batch, endpoint, fetchImpl, start);
    for (const vector of embedded) {
      dimensions ||= vector.length;
      if (vector.length !== dimensions) {
        throw new Error(
          `the embeddings endpoint gave ${vector.length} dimensions for query ${vectors.length + 1}, ` +
            `${dimensions} before`,
        );
      }
      vectors.push(vector);
    }
    progress?.(vectors.length, queries.length, `${vectors.length}/${queries.length} queries`);
  }
  if (dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
    throw new Error(
      `embeddings of ${dimensions} dimensions: 1 to ${MAX_EMBEDDING_DIMENSIONS} are supported`,
    );
  }
  return { vectors, dimensions };
}

async function embedBatch(
  batch: readonly string[],
  endpoint: EmbeddingEndpoint,
  fetchImpl: Fetch,
  offset: number,
): Promise<Float32Array[]> {
  const what = `queries ${offset + 1}-${offset + batch.length}`;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetchImpl(`${endpoint.baseUrl}/embeddings`, {
        method: 'POST',
        headers: headersOf(endpoint),
        body: JSON.stringify({ model: endpoint.model, input: batch, encoding_format: 'float' }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if (attempt < ATTEMPTS) {
        await sleep(attempt * 1000);
        continue;
      }
      throw new Error(`embedding ${what}: ${endpoint.baseUrl} unreachable (${causeOf(error)})`);
    }
    if (res.ok) return vectorsOf(await res.json(), batch.length, what);
    const text = scrub(await res.text(), endpoint.apiKey);
    if ((res.status === 429 || res.status >= 500) && attempt < ATTEMPTS) {
      await sleep(retryWaitMs(res.headers.get('retry-after'), attempt));
      continue;
    }
    throw new Error(
      `embedding ${what}: the endpoint answered ${res.status}: ${errorMessage(text)}`,
    );
  }
}

function headersOf(endpoint: EmbeddingEndpoint): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.apiKey !== undefined) headers.authorization = `Bearer ${endpoint.apiKey}`;
  return headers;
}

/** The batch's embeddings in input order (by each entry's `index`). */
function vectorsOf(body: unknown, count: number, what: string): Float32Array[] {
  const data: unknown = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== count) {
    throw new Error(`embedding ${what}: the answer does not hold ${count} embeddings`);
  }
  const out = new Array<Float32Array | undefined>(count);
  data.forEach((entry: unknown, position) => {
    const { index, embedding } = (entry ?? {}) as { index?: unknown; embedding?: unknown };
    const at = typeof index === 'number' ? index : position;
    if (!Number.isInteger(at) || at < 0 || at >= count || out[at] !== undefined) {
      throw new Error(`embedding ${what}: the answer's indices are not 0-${count - 1}`);
    }
    out[at] = vectorOf(embedding, what);
  });
  return out as Float32Array[];
}

function vectorOf(embedding: unknown, what: string): Float32Array {
  if (typeof embedding === 'string') return decodeFloat32(embedding);
  if (
    Array.isArray(embedding) &&
    embedding.every((value) => typeof value === 'number' && Number.isFinite(value))
  ) {
    return Float32Array.from(embedding as number[]);
  }
  throw new Error(`embedding ${what}: an embedding is not a list of finite numbers`);
}

/** The OpenAI error body's message, else the start of the text. */
function errorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // Not JSON: the raw text below.
  }
  return text.slice(0, 300) || '(empty body)';
}

/** An endpoint may echo the key it was given (in part or whole): it never reaches the output. */
function scrub(text: string, apiKey: string | undefined): string {
  return apiKey ? text.split(apiKey).join('***') : text;
}

function retryWaitMs(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  return Number.isFinite(seconds) && seconds >= 0
    ? Math.min(seconds * 1000, MAX_RETRY_WAIT_MS)
    : attempt * 1000;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
