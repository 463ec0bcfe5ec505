import {
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigStore, type DeploymentConfig, type GatewayConfig } from '@routeiq/config';
import type { CostBreakdown, DeploymentPrices, UsageCounts } from './cost.types';
import { deploymentPrices, invalidOverrides } from './prices/price-lookup';
import { SHIPPED_PRICES } from './prices/price-table';
import { usageCost } from './usage-cost';

/**
 * What requests cost: prices from the shipped table (`model-prices.json`) overridden per
 * deployment by `model_info`, applied to the usage each provider reports. Pure arithmetic on
 * memoised prices: safe on the request path.
 */
@Injectable()
export class CostCalculator implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Cost');
  private readonly reported = new WeakSet<DeploymentConfig>();
  private unsubscribe?: () => void;

  constructor(@Optional() private readonly store?: ConfigStore) {}

  /** Deployments without a price are reported at boot and at each reload, not mid-request. */
  onModuleInit(): void {
    if (!this.store) return;
    this.reportAll(this.store.current);
    this.unsubscribe = this.store.onChange((config) => this.reportAll(config));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Date of the shipped price table (`YYYY-MM-DD`). */
  get tableAsOf(): string {
    return SHIPPED_PRICES.asOf;
  }

  /** The prices `deployment` is charged at. */
  pricesOf(deployment: DeploymentConfig): DeploymentPrices {
    const prices = deploymentPrices(deployment);
    if (!this.reported.has(deployment)) this.report(deployment, prices);
    return prices;
  }

  /** USD cost of `usage` on `deployment`, by kind of token; zero without usage. */
  costOf(deployment: DeploymentConfig, usage: UsageCounts | undefined): CostBreakdown {
    return usageCost(this.pricesOf(deployment), usage);
  }

  private reportAll(config: GatewayConfig): void {
    for (const deployment of config.modelList) {
      if (!this.reported.has(deployment)) this.report(deployment, deploymentPrices(deployment));
    }
  }

  /** Once per deployment config: say when its requests will be free for want of a price. */
  private report(deployment: DeploymentConfig, prices: DeploymentPrices): void {
    this.reported.add(deployment);
    const id = deployment.modelInfo.id;
    const invalid = invalidOverrides(deployment);
    if (invalid.length > 0) {
      this.logger.warn(
        `deployment ${id}: model_info ${invalid.join(', ')} ignored (not a number >= 0)`,
      );
    }
    if (prices.source === 'none' && deployment.provider !== 'mock') {
      this.logger.warn(
        `deployment ${id}: no price for model "${deployment.litellmParams.model}" in the price ` +
          `table (as of ${SHIPPED_PRICES.asOf}); its requests cost 0 until model_info sets ` +
          'input_cost_per_token and output_cost_per_token',
      );
    }
  }
}
