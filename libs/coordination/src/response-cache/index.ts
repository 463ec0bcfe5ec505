export * from './response-cache.store';
export * from './redis-response-cache.store';
export * from './semantic-index.store';
export * from './redis-semantic-index.store';
