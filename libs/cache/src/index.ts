export * from './response-cache.port';
export * from './cache.config';
export * from './cache.exception';
export * from './cache.module';
export { CACHE_KEY_VERSION, canonicalJson } from './cache-key';
export { answerFor, chunksFromResult, resultFromChunks } from './cached-answer.mapper';
export { withoutCacheParams } from './cache-params';
