import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import type { ExpiringStore } from './expiring.store';
import { InMemoryExpiringStore } from './in-memory-expiring.store';
import { RedisExpiringStore } from './redis-expiring.store';

/** The ExpiringStore of this replica: Redis when configured, otherwise in-memory. */
export function createExpiringStore(
  redis: RedisConnections | undefined,
  keys: CoordinationKeys,
): ExpiringStore {
  return redis ? new RedisExpiringStore(redis, keys) : new InMemoryExpiringStore();
}
