import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CoordinationBus, type BusMessage } from '@routeiq/coordination';
import { ConfigStore, type ConfigReloadResult } from '@routeiq/config';
import { StrategyRegistryService } from '../registry/strategy-registry.service';

const TOPIC = 'routing.reload';

/**
 * `POST /router/reload`: this replica re-reads the config file and the shared strategy registry,
 * then tells every other replica to do the same. An invalid config file answers 400 here and is
 * not announced.
 */
@Injectable()
export class RouterReloadService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Router');
  private unsubscribe?: () => void;

  constructor(
    private readonly store: ConfigStore,
    private readonly strategies: StrategyRegistryService,
    private readonly bus: CoordinationBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(TOPIC, (message) => this.onRemoteReload(message));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async reload(): Promise<ConfigReloadResult> {
    const result = await this.store.reload();
    await this.strategies.reload();
    await this.bus.publish(TOPIC, {}).catch((error: unknown) => {
      this.logger.warn(`router reload not announced to other replicas: ${String(error)}`);
    });
    return result;
  }

  private onRemoteReload(message: BusMessage): void {
    if (message.origin === this.bus.instanceId) return;
    void Promise.all([this.store.reload(), this.strategies.reload()]).then(
      () => this.logger.log('router reloaded at the request of another replica'),
      (error: unknown) =>
        this.logger.error(`router reload asked by another replica failed: ${String(error)}`),
    );
  }
}
