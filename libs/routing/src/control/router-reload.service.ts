import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CoordinationBus, type BusMessage } from '@routeiq/coordination';
import { ConfigStore, type ConfigReloadResult } from '@routeiq/config';
import type { MlReloadOutcome } from '../ml/strategy/learned-routing.status';
import { MlRoutingService } from '../ml/strategy/ml-routing.service';
import { StrategyRegistryService } from '../registry/strategy-registry.service';

const TOPIC = 'routing.reload';

/** `POST /router/reload` on this replica: the config's outcome and each ML router's. */
export interface RouterReloadResult extends ConfigReloadResult {
  /** Per router artifact (and custom router): loaded, or failed with the old one kept. */
  ml_routers: MlReloadOutcome[];
}

/**
 * `POST /router/reload`: this replica re-reads the config file, the shared strategy registry and
 * the learned routers' artifacts, then tells every other replica to do the same. An invalid
 * config file answers 400 here and is not announced; an artifact that fails to load keeps the
 * router it replaces and is reported in the answer.
 */
@Injectable()
export class RouterReloadService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Router');
  private unsubscribe?: () => void;
  private stopCatchUp?: () => void;

  constructor(
    private readonly store: ConfigStore,
    private readonly strategies: StrategyRegistryService,
    private readonly ml: MlRoutingService,
    private readonly bus: CoordinationBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(TOPIC, (message) => this.onRemoteReload(message));
    // A reload announced while the bus was down was missed: re-read as if it had arrived.
    this.stopCatchUp = this.bus.onReconnect(() => this.reloadLocally('after a bus outage'));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.stopCatchUp?.();
  }

  async reload(): Promise<RouterReloadResult> {
    const result = await this.reloadHere();
    await this.bus.publish(TOPIC, {}).catch((error: unknown) => {
      this.logger.warn(`router reload not announced to other replicas: ${String(error)}`);
    });
    return result;
  }

  /** The same reload on this replica only; the caller tells the other replicas its own way. */
  async reloadHere(): Promise<RouterReloadResult> {
    const result = await this.store.reload();
    await this.strategies.reload();
    const mlRouters = await this.ml.reload();
    return { ...result, ml_routers: mlRouters };
  }

  private onRemoteReload(message: BusMessage): void {
    if (message.origin === this.bus.instanceId) return;
    this.reloadLocally('at the request of another replica');
  }

  private reloadLocally(why: string): void {
    // The config first: it may point the learned routers at another artifact.
    void Promise.all([this.store.reload(), this.strategies.reload()])
      .then(() => this.ml.reload())
      .then(
        (outcomes) => {
          const failed = outcomes.filter((outcome) => outcome.outcome === 'failed');
          const note =
            failed.length > 0 ? ` (${failed.length} ML router(s) kept their old model)` : '';
          this.logger.log(`router reloaded ${why}${note}`);
        },
        (error: unknown) => this.logger.error(`router reload ${why} failed: ${String(error)}`),
      );
  }
}
