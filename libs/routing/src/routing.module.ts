import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { RemoteConfigModule } from '@routeiq/config';
import { ProvidersModule } from '@routeiq/providers';
import { ConfigS3SyncService } from './control/config-s3-sync.service';
import { ControlPlaneController } from './control/control-plane.controller';
import { RouterInfoService } from './control/router-info.service';
import { RouterReloadService } from './control/router-reload.service';
import { RouterDecisionLog } from './decision/router-decision.log';
import { DeploymentHealthService } from './health/deployment-health.service';
import { DeploymentMetricsService } from './metrics/deployment-metrics.service';
import { mlArtifactConfig, mlArtifactConfigProvider } from './ml/artifact/ml-artifact.config';
import { RouterArtifactService } from './ml/artifact/router-artifact.service';
import { MlRoutingService } from './ml/strategy/ml-routing.service';
import { ModelRegistryService } from './model-registry.service';
import { routingConfig, routingConfigProvider } from './registry/routing.config';
import { StrategyRegistryService } from './registry/strategy-registry.service';
import { RoutingMetricsListener } from './decision/routing-metrics.listener';
import { RouterService } from './router.service';
import { StrategyController } from './strategy.controller';
import {
  FeedbackController,
  ROUTER_FEEDBACK_PROVIDERS,
  routerTraceConfig,
} from './feedback/feedback.providers';

@Module({
  imports: [
    ProvidersModule,
    RemoteConfigModule,
    ConfigModule.forFeature(routingConfig),
    ConfigModule.forFeature(mlArtifactConfig),
    ConfigModule.forFeature(routerTraceConfig),
  ],
  controllers: [ControlPlaneController, StrategyController, FeedbackController],
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
    ConfigS3SyncService,
    routingConfigProvider,
    RouterArtifactService,
    MlRoutingService,
    mlArtifactConfigProvider,
    ...ROUTER_FEEDBACK_PROVIDERS,
  ],
  exports: [
    RouterService,
    ModelRegistryService,
    RouterDecisionLog,
    DeploymentHealthService,
    StrategyRegistryService,
    RouterArtifactService,
    MlRoutingService,
  ],
})
export class RoutingModule {}
