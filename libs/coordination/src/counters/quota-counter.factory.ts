import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import { InMemoryQuotaCounterStore } from './in-memory-quota-counter.store';
import type { QuotaCounterStore } from './quota-counter.store';
import { RedisQuotaCounterStore } from './redis-quota-counter.store';

/** The QuotaCounterStore of this replica: Redis when configured, otherwise in-memory. */
export function createQuotaCounterStore(
  redis: RedisConnections | undefined,
  keys: CoordinationKeys,
): QuotaCounterStore {
  return redis ? new RedisQuotaCounterStore(redis, keys) : new InMemoryQuotaCounterStore();
}
