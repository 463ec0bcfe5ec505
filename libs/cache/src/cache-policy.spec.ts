import { directivesOf } from './cache-policy';
import type { CacheLookupInput } from './response-cache.port';

const settings = { ttlSeconds: 3600, maxTemperature: 0 };
const input = (
  request: Record<string, unknown>,
  cacheControl?: string,
  endpoint: CacheLookupInput['endpoint'] = 'chat',
): CacheLookupInput => ({
  endpoint,
  request: { model: 'm', ...request },
  stream: false,
  teamId: undefined,
  keyId: 'k',
  cacheControl,
});

describe(directivesOf.name, () => {
  it('caches deterministic requests only: an absent temperature counts as 1', () => {
    expect(directivesOf(input({ temperature: 0 }), settings)).toEqual({
      lookup: true,
      store: true,
      ttlSeconds: 3600,
    });
    expect(directivesOf(input({}), settings)).toBeUndefined();
    expect(directivesOf(input({ temperature: 0.2 }), settings)).toBeUndefined();
    expect(directivesOf(input({}), { ...settings, maxTemperature: 1 })).toBeDefined();
    expect(
      directivesOf(input({ temperature: 0.7 }), { ...settings, maxTemperature: 0.5 }),
    ).toBeUndefined();
  });

  it('lets the client opt in with caching: true and out with caching: false', () => {
    expect(directivesOf(input({ temperature: 1.5, caching: true }), settings)?.lookup).toBe(true);
    expect(directivesOf(input({ temperature: 0, caching: false }), settings)).toBeUndefined();
  });

  it('caches embeddings whatever the temperature rule', () => {
    expect(directivesOf(input({ input: 'x' }, undefined, 'embedding'), settings)).toBeDefined();
  });

  it('honours Cache-Control: no-cache stores without lookup, no-store skips both, max-age', () => {
    const request = { temperature: 0 };
    expect(directivesOf(input(request, 'no-cache'), settings)).toMatchObject({
      lookup: false,
      store: true,
    });
    expect(directivesOf(input(request, 'No-Store'), settings)).toBeUndefined();
    expect(directivesOf(input(request, 'max-age=30, private'), settings)).toMatchObject({
      lookup: true,
      maxAgeSeconds: 30,
    });
  });

  it("honours LiteLLM's cache body param and ignores malformed values", () => {
    const directives = (cache: unknown) => directivesOf(input({ temperature: 0, cache }), settings);
    expect(directives({ 'no-cache': true })).toMatchObject({ lookup: false, store: true });
    expect(directives({ 'no-store': true })).toBeUndefined();
    expect(directives({ ttl: 1.2, 's-maxage': 10 })).toEqual({
      lookup: true,
      store: true,
      ttlSeconds: 2,
      maxAgeSeconds: 10,
    });
    expect(directives({ ttl: -1, 's-maxage': 'x', 'no-cache': 'yes' })).toEqual({
      lookup: true,
      store: true,
      ttlSeconds: 3600,
    });
    expect(directives('no-cache')).toMatchObject({ lookup: true });
  });
});
