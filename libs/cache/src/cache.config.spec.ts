import { ConfigValidationError } from '@routeiq/config';
import { resolveCacheConfig } from './cache.config';

describe(resolveCacheConfig.name, () => {
  it('defaults to off, one hour, deterministic only, 1000 local entries, Redis when there is one', () => {
    expect({ ...resolveCacheConfig({}) }).toEqual({
      enabled: false,
      ttlSeconds: 3600,
      maxTemperature: 0,
      localMaxEntries: 1000,
      redisEnabled: true,
      semanticEnabled: false,
      semanticThreshold: 0.95,
      semanticEmbeddingModel: '',
      semanticMaxPromptsPerScope: 128,
    });
  });

  it('reads every variable', () => {
    const config = resolveCacheConfig({
      CACHE_ENABLED: 'true',
      CACHE_TTL_SECONDS: '60',
      CACHE_MAX_TEMPERATURE: '0.5',
      CACHE_LOCAL_MAX_ENTRIES: '10',
      CACHE_REDIS_ENABLED: 'off',
      CACHE_SEMANTIC_ENABLED: '1',
      CACHE_SEMANTIC_THRESHOLD: '.9',
      CACHE_SEMANTIC_EMBEDDING_MODEL: ' text-embedding ',
      CACHE_SEMANTIC_MAX_PROMPTS_PER_SCOPE: '16',
    });
    expect({ ...config }).toEqual({
      enabled: true,
      ttlSeconds: 60,
      maxTemperature: 0.5,
      localMaxEntries: 10,
      redisEnabled: false,
      semanticEnabled: true,
      semanticThreshold: 0.9,
      semanticEmbeddingModel: 'text-embedding',
      semanticMaxPromptsPerScope: 16,
    });
  });

  it('fails naming every bad variable', () => {
    const bad = () =>
      resolveCacheConfig({
        CACHE_ENABLED: 'maybe',
        CACHE_TTL_SECONDS: '0',
        CACHE_MAX_TEMPERATURE: 'hot',
        CACHE_LOCAL_MAX_ENTRIES: '1.5',
        CACHE_SEMANTIC_THRESHOLD: '1.5',
        CACHE_SEMANTIC_MAX_PROMPTS_PER_SCOPE: '0',
      });
    expect(bad).toThrow(ConfigValidationError);
    let message = '';
    try {
      bad();
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of [
      'CACHE_ENABLED',
      'CACHE_TTL_SECONDS',
      'CACHE_MAX_TEMPERATURE',
      'CACHE_LOCAL_MAX_ENTRIES',
      'CACHE_SEMANTIC_THRESHOLD',
      'CACHE_SEMANTIC_MAX_PROMPTS_PER_SCOPE',
    ]) {
      expect(message).toContain(name);
    }
  });
});
