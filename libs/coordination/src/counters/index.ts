export * from './quota-counter.store';
export * from './redis-quota-counter.store';
export * from './in-memory-quota-counter.store';
export * from './quota-counter.factory';
