import { OpenAiStubServer } from '@routeiq/testing';
import { embedQueries } from './embedding-endpoint.client';
import type { EmbeddingEndpoint } from './ml-cli.args';

const KEY = 'sk-embed-secret-0123456789';
const PATH = '/v1/embeddings';

/** A deterministic 3-dimensional "embedding" of a text. */
const embed = (text: string): number[] => [text.length, text.charCodeAt(0), 1];

describe(embedQueries.name, () => {
  let stub: OpenAiStubServer;
  let endpoint: EmbeddingEndpoint;

  beforeEach(async () => {
    stub = new OpenAiStubServer();
    endpoint = { baseUrl: await stub.start(), model: 'embedder', apiKey: KEY, batch: 2 };
    stub.embed = embed;
  });
  afterEach(() => stub.stop());

  it('embeds the queries in batches, in order, with the key as a bearer token', async () => {
    const progress = jest.fn();
    const result = await embedQueries(['a', 'bb', 'ccc'], endpoint, progress);
    expect(result.dimensions).toBe(3);
    expect(result.vectors.map((v) => Array.from(v))).toEqual([
      embed('a'),
      embed('bb'),
      embed('ccc'),
    ]);
    expect(stub.requests.map((r) => r.body)).toEqual([
      { model: 'embedder', input: ['a', 'bb'], encoding_format: 'float' },
      { model: 'embedder', input: ['ccc'], encoding_format: 'float' },
    ]);
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(progress.mock.calls).toEqual([
      [2, 3, '2/3 queries'],
      [3, 3, '3/3 queries'],
    ]);
  });

  it('sends no authorization without a key, and reads answers out of index order', async () => {
    stub.script(PATH, {
      kind: 'json',
      status: 200,
      body: {
        data: [
          { index: 1, embedding: [0, 1] },
          { index: 0, embedding: Buffer.from(Float32Array.of(1, 0).buffer).toString('base64') },
        ],
      },
    });
    const result = await embedQueries(['x', 'y'], { ...endpoint, apiKey: undefined });
    expect(result.vectors.map((v) => Array.from(v))).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(stub.last().headers.authorization).toBeUndefined();
  });

  it('retries an overloaded endpoint, after its Retry-After', async () => {
    stub.script(PATH, {
      kind: 'json',
      status: 503,
      body: { error: { message: 'busy' } },
      headers: { 'retry-after': '0' },
    });
    const result = await embedQueries(['a'], endpoint);
    expect(result.vectors).toHaveLength(1);
    expect(stub.count(PATH)).toBe(2);
  });

  it("fails on a refusal with the endpoint's message, the key scrubbed from it", async () => {
    stub.failAll(PATH, {
      kind: 'json',
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY}` } },
    });
    const failure = embedQueries(['a', 'b', 'c'], endpoint);
    await expect(failure).rejects.toThrow(
      'embedding queries 1-2: the endpoint answered 401: Incorrect API key provided: ***',
    );
    expect(stub.count(PATH)).toBe(1);
  });

  it('refuses answers that are short, malformed or of changing dimensions', async () => {
    stub.script(PATH, {
      kind: 'json',
      status: 200,
      body: { data: [{ index: 0, embedding: [1] }] },
    });
    await expect(embedQueries(['a', 'b'], endpoint)).rejects.toThrow(/does not hold 2 embeddings/);
    stub.script(PATH, {
      kind: 'json',
      status: 200,
      body: { data: [{ index: 0, embedding: [1, 'x'] }] },
    });
    await expect(embedQueries(['a'], endpoint)).rejects.toThrow(/not a list of finite numbers/);
    stub.script(PATH, {
      kind: 'json',
      status: 200,
      body: {
        data: [
          { index: 0, embedding: [1] },
          { index: 0, embedding: [2] },
        ],
      },
    });
    await expect(embedQueries(['a', 'b'], endpoint)).rejects.toThrow(/indices are not 0-1/);
    stub.embed = (text) => (text === 'c' ? [1, 2] : embed(text));
    await expect(embedQueries(['a', 'b', 'c'], endpoint)).rejects.toThrow(
      'the embeddings endpoint gave 2 dimensions for query 3, 3 before',
    );
  });
});
