export * from './expiring.store';
export * from './redis-expiring.store';
export * from './in-memory-expiring.store';
export * from './expiring-store.factory';
