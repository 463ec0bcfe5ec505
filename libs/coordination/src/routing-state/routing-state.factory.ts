import type { CoordinationKeys } from '../coordination-keys';
import type { RedisConnections } from '../redis-connections';
import type { DeploymentHealthStore } from './deployment-health.store';
import type { DeploymentUsageStore } from './deployment-usage.store';
import { InMemoryDeploymentHealthStore } from './in-memory-deployment-health.store';
import { InMemoryDeploymentUsageStore } from './in-memory-deployment-usage.store';
import { InMemorySharedStateStore } from './in-memory-shared-state.store';
import { RedisDeploymentHealthStore } from './redis-deployment-health.store';
import { RedisDeploymentUsageStore } from './redis-deployment-usage.store';
import { RedisSharedStateStore } from './redis-shared-state.store';
import type { SharedStateStore } from './shared-state.store';

/** The DeploymentHealthStore of this replica: Redis when configured, otherwise in-memory. */
export function createDeploymentHealthStore(
  redis: RedisConnections | undefined,
  keys: CoordinationKeys,
): DeploymentHealthStore {
  return redis ? new RedisDeploymentHealthStore(redis, keys) : new InMemoryDeploymentHealthStore();
}

/** The DeploymentUsageStore of this replica: Redis when configured, otherwise in-memory. */
export function createDeploymentUsageStore(
  redis: RedisConnections | undefined,
  keys: CoordinationKeys,
): DeploymentUsageStore {
  return redis ? new RedisDeploymentUsageStore(redis, keys) : new InMemoryDeploymentUsageStore();
}

/** The SharedStateStore of this replica: Redis when configured, otherwise in-memory. */
export function createSharedStateStore(
  redis: RedisConnections | undefined,
  keys: CoordinationKeys,
): SharedStateStore {
  return redis ? new RedisSharedStateStore(redis, keys) : new InMemorySharedStateStore();
}
