import { WarmUpRegistry } from './warm-up.registry';
import {
  type BeforeApplicationShutdown,
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { CoordinationBus } from './coordination.bus';
import { coordinationConfig, CoordinationConfig, describeRedis } from './coordination.config';
import { CoordinationHealth } from './coordination.health';
import { CoordinationKeys } from './coordination-keys';
import { QuotaCounterStore, createQuotaCounterStore } from './counters';
import { createExpiringStore, ExpiringStore } from './expiring';
import { InMemoryCoordinationBus, InMemoryCoordinationHealth } from './in-memory-coordination';
import {
  LeaderElectionConfig,
  leaderElectionConfig,
  LeaderElectionService,
  RedisLeaderLease,
} from './leader';
import { RedisConnections } from './redis-connections';
import {
  RedisResponseCacheStore,
  RedisSemanticIndexStore,
  ResponseCacheStore,
  SemanticIndexStore,
  UnsharedResponseCacheStore,
  UnsharedSemanticIndexStore,
} from './response-cache';
import { RedisCoordinationBus } from './redis-coordination.bus';
import { RedisCoordinationHealth } from './redis-coordination.health';
import {
  createDeploymentHealthStore,
  createDeploymentUsageStore,
  createSharedStateStore,
  DeploymentHealthStore,
  DeploymentUsageStore,
  RedisDeploymentUsageStore,
  SharedStateStore,
} from './routing-state';

const STARTUP_WAIT_MS = 3000;

/** The Redis connections when Redis is configured; owns their start-up check and shutdown. */
@Injectable()
export class CoordinationBackend implements OnModuleInit, OnApplicationShutdown {
  readonly redis: RedisConnections | undefined;
  private readonly logger = new Logger('Coordination');

  constructor(private readonly config: CoordinationConfig) {
    this.redis = config.redisUrl ? new RedisConnections(config.redisUrl) : undefined;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) {
      this.logger.log('redis: off (single node, in-memory coordination)');
      return;
    }
    this.logger.log(`redis: on (${describeRedis(this.config)})`);
    // Start-up goes on without Redis; readiness reports it until it connects.
    if (!(await this.redis.waitUntilReady(STARTUP_WAIT_MS))) {
      this.logger.error(`redis unreachable at start-up: ${describeRedis(this.config)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}

/**
 * Cross-replica coordination: Redis when `REDIS_URL`/`REDIS_HOST` is set, otherwise in-memory
 * implementations for a single node. Import once, in the app module.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forFeature(coordinationConfig),
    ConfigModule.forFeature(leaderElectionConfig),
  ],
  providers: [
    WarmUpRegistry,
    {
      provide: CoordinationConfig,
      useFactory: (config: ConfigService) => config.getOrThrow<CoordinationConfig>('coordination'),
      inject: [ConfigService],
    },
    {
      provide: CoordinationKeys,
      useFactory: (config: CoordinationConfig) => new CoordinationKeys(config.keyPrefix),
      inject: [CoordinationConfig],
    },
    CoordinationBackend,
    {
      provide: CoordinationBus,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        backend.redis
          ? new RedisCoordinationBus(backend.redis, keys)
          : new InMemoryCoordinationBus(),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: QuotaCounterStore,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        createQuotaCounterStore(backend.redis, keys),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: DeploymentHealthStore,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        createDeploymentHealthStore(backend.redis, keys),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: DeploymentUsageStore,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        createDeploymentUsageStore(backend.redis, keys),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: SharedStateStore,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        createSharedStateStore(backend.redis, keys),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: ExpiringStore,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        createExpiringStore(backend.redis, keys),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: ResponseCacheStore,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        backend.redis
          ? new RedisResponseCacheStore(backend.redis, keys)
          : new UnsharedResponseCacheStore(),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: SemanticIndexStore,
      useFactory: (backend: CoordinationBackend, keys: CoordinationKeys) =>
        backend.redis
          ? new RedisSemanticIndexStore(backend.redis, keys)
          : new UnsharedSemanticIndexStore(),
      inject: [CoordinationBackend, CoordinationKeys],
    },
    {
      provide: CoordinationHealth,
      useFactory: (backend: CoordinationBackend, config: CoordinationConfig) =>
        backend.redis
          ? new RedisCoordinationHealth(backend.redis, describeRedis(config))
          : new InMemoryCoordinationHealth(),
      inject: [CoordinationBackend, CoordinationConfig],
    },
    {
      provide: LeaderElectionConfig,
      useFactory: (config: ConfigService) =>
        config.getOrThrow<LeaderElectionConfig>('leaderElection'),
      inject: [ConfigService],
    },
    {
      provide: LeaderElectionService,
      useFactory: (
        config: LeaderElectionConfig,
        backend: CoordinationBackend,
        keys: CoordinationKeys,
        bus: CoordinationBus,
      ) => {
        const elected = config.haMode === 'leader_election' && backend.redis;
        const lease = elected ? new RedisLeaderLease(backend.redis, keys) : undefined;
        // The bus's id, so the leader named in the status is the origin seen on the bus.
        return new LeaderElectionService(config, bus.instanceId, lease, bus);
      },
      inject: [LeaderElectionConfig, CoordinationBackend, CoordinationKeys, CoordinationBus],
    },
  ],
  exports: [
    CoordinationBus,
    CoordinationHealth,
    CoordinationKeys,
    QuotaCounterStore,
    DeploymentHealthStore,
    DeploymentUsageStore,
    SharedStateStore,
    ExpiringStore,
    ResponseCacheStore,
    SemanticIndexStore,
    LeaderElectionConfig,
    LeaderElectionService,
    WarmUpRegistry,
  ],
})
export class CoordinationModule implements BeforeApplicationShutdown {
  constructor(private readonly usage: DeploymentUsageStore) {}

  // Before the connections close (onApplicationShutdown): the last counts are still pushed.
  async beforeApplicationShutdown(): Promise<void> {
    if (this.usage instanceof RedisDeploymentUsageStore) await this.usage.close();
  }
}
