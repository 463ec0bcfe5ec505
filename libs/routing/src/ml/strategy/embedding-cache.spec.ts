import { EmbeddingCache, promptKey } from './embedding-cache';

const vector = (value: number): Float32Array => Float32Array.of(value);

describe(EmbeddingCache.name, () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new EmbeddingCache(2);
    cache.set('a', vector(1));
    cache.set('b', vector(2));
    expect(cache.get('a')).toEqual(vector(1)); // a is now the most recent
    cache.set('c', vector(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(vector(1));
    expect(cache.get('c')).toEqual(vector(3));
    expect(cache.size).toBe(2);
  });

  it('replaces an entry set again, refreshing its recency', () => {
    const cache = new EmbeddingCache(2);
    cache.set('a', vector(1));
    cache.set('b', vector(2));
    cache.set('a', vector(9));
    cache.set('c', vector(3));
    expect(cache.get('a')).toEqual(vector(9));
    expect(cache.get('b')).toBeUndefined();
  });

  it('caches nothing with capacity 0', () => {
    const cache = new EmbeddingCache(0);
    cache.set('a', vector(1));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe(promptKey.name, () => {
  it('is the sha256 of the text: stable, distinct, and holds no text', () => {
    expect(promptKey('hello')).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
    expect(promptKey('hello ')).not.toBe(promptKey('hello'));
  });
});
