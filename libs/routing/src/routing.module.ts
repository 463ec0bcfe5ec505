import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ProvidersModule } from '@routeiq/providers';
import { ControlPlaneController } from './control/control-plane.controller';
import { RouterInfoService } from './control/router-info.service';
import { RouterReloadService } from './control/router-reload.service';
import { RouterDecisionLog } from './decision/router-decision.log';
import { DeploymentHealthService } from './health/deployment-health.service';
import { DeploymentMetricsService } from './metrics/deployment-metrics.service';
import { ModelRegistryService } from './model-registry.service';
import { routingConfig, routingConfigProvider } from './registry/routing.config';
import { StrategyRegistryService } from './registry/strategy-registry.service';
import { RoutingMetricsListener } from './decision/routing-metrics.listener';
import { RouterService } from './router.service';
import { StrategyController } from './strategy.controller';

@Module({
  imports: [ProvidersModule, ConfigModule.forFeature(routingConfig)],
  controllers: [ControlPlaneController, StrategyController],
  providers: [
    ModelRegistryService,
    RouterService,
    RouterDecisionLog,
    RoutingMetricsListener,
    DeploymentHealthService,
    DeploymentMetricsService,
    StrategyRegistryService,
    RouterInfoService,
    RouterReloadService,
    routingConfigProvider,
  ],
  exports: [
    RouterService,
    ModelRegistryService,
    RouterDecisionLog,
    DeploymentHealthService,
    StrategyRegistryService,
  ],
})
export class RoutingModule {}
