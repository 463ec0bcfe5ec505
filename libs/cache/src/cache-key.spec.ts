import { addressOf, canonicalJson, scopeOf } from './cache-key';
import type { CacheLookupInput } from './response-cache.port';

const base: CacheLookupInput = {
  endpoint: 'chat',
  request: { model: 'gpt', messages: [{ role: 'user', content: 'hi' }], temperature: 0 },
  stream: false,
  teamId: 't1',
  keyId: 'k1',
  cacheControl: undefined,
};
const hashOf = (change: Partial<CacheLookupInput>): string =>
  addressOf({ ...base, ...change }).hash;
const withBody = (fields: Record<string, unknown>): string =>
  hashOf({ request: { ...base.request, ...fields } });

describe('cache key', () => {
  it('is the same whatever the key order, and ignores stream, stream_options, user, cache params', () => {
    const reordered = {
      temperature: 0,
      messages: [{ content: 'hi', role: 'user' }],
      model: 'gpt',
    };
    expect(hashOf({ request: reordered })).toBe(hashOf({}));
    expect(hashOf({ stream: true })).toBe(hashOf({}));
    expect(withBody({ stream: true, stream_options: { include_usage: true } })).toBe(hashOf({}));
    expect(withBody({ user: 'someone', metadata: { a: 1 } })).toBe(hashOf({}));
    expect(withBody({ cache: { ttl: 5 }, caching: true })).toBe(hashOf({}));
  });

  it('changes with every field that changes the answer', () => {
    const variants = [
      { model: 'other' },
      { messages: [{ role: 'user', content: 'hello' }] },
      { temperature: 0.1 },
      { top_p: 0.5 },
      { max_tokens: 5 },
      { max_completion_tokens: 5 },
      { n: 2 },
      { stop: ['x'] },
      { tools: [{ type: 'function', function: { name: 'f' } }] },
      { tool_choice: 'none' },
      { response_format: { type: 'json_object' } },
      { seed: 1 },
      { presence_penalty: 1 },
      { frequency_penalty: 1 },
      { logit_bias: { '1': 2 } },
      { logprobs: true },
      { top_logprobs: 2 },
      { some_future_param: 1 },
    ];
    const hashes = new Set(variants.map((fields) => withBody(fields)));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(hashOf({}))).toBe(false);
    expect(hashOf({ endpoint: 'completion' })).not.toBe(hashOf({}));
  });

  it('scopes entries by team, else by key: tenants never share a key', () => {
    expect(hashOf({ teamId: 't2' })).not.toBe(hashOf({}));
    expect(hashOf({ keyId: 'k2' })).toBe(hashOf({}));
    expect(hashOf({ teamId: undefined })).not.toBe(hashOf({ teamId: undefined, keyId: 'k2' }));
    expect(scopeOf('t', 'k')).toBe('team:t');
    expect(scopeOf(undefined, 'k')).toBe('key:k');
    expect(scopeOf(undefined, undefined)).toBe('anonymous');
    // A key id that looks like a team id is still another scope.
    expect(addressOf({ ...base, teamId: undefined, keyId: 't1' }).scopeToken).not.toBe(
      addressOf(base).scopeToken,
    );
  });

  it("keys a caller's own guardrail selection: answers never cross guardrail sets", () => {
    const request = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    const base = {
      endpoint: 'chat',
      request,
      stream: false,
      teamId: 't',
      keyId: undefined,
      cacheControl: undefined,
    } as const;
    const defaults = addressOf(base).hash;
    const piiOnly = addressOf({ ...base, guardrails: ['pii'] }).hash;
    expect(piiOnly).not.toBe(defaults);
    expect(addressOf({ ...base, guardrails: ['pii', 'content_filter'] }).hash).toBe(
      addressOf({ ...base, guardrails: ['content_filter', 'pii'] }).hash,
    );
    expect(addressOf({ ...base, guardrails: [] }).hash).not.toBe(defaults);
  });

  it('keeps stream and unary apart for endpoints without a conversion', () => {
    const messages = { ...base, endpoint: 'messages' as const };
    expect(addressOf({ ...messages, stream: true }).hash).not.toBe(addressOf(messages).hash);
  });

  it('writes canonical JSON: sorted keys at every depth, undefined dropped', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"x":null,"z":1}]},"b":1}',
    );
  });
});
