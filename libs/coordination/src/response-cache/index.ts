export * from './response-cache.store';
export * from './redis-response-cache.store';
