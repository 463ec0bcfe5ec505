import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { A2aModule } from '@routeiq/a2a';
import { CacheModule } from '@routeiq/cache';
import { GatewayExceptionFilter } from '@routeiq/common';
import { GatewayConfigModule, type GatewayFlags } from '@routeiq/config';
import { ConfigSyncStatusModule, CoordinationModule } from '@routeiq/coordination';
import { HealthModule } from '@routeiq/health';
import { InferenceModule } from '@routeiq/inference';
import { McpModule } from '@routeiq/mcp';
import { LoggingModule, ObservabilityModule } from '@routeiq/observability';
import { PersistenceModule } from '@routeiq/persistence';
import { PluginsModule } from '@routeiq/plugins';
import { RoutingModule } from '@routeiq/routing';
import { SecurityModule } from '@routeiq/security';
import { UiModule } from './ui/ui.module';

/** Composition only: which modules make up the gateway. */
@Module({})
export class AppModule {
  static register(flags: GatewayFlags): DynamicModule {
    return {
      module: AppModule,
      // Express matches a request against the routes in the order they were registered, which is
      // the order modules are scanned: the inference routes (every model call) come first.
      imports: [
        GatewayConfigModule.forRoot(flags),
        InferenceModule,
        LoggingModule,
        ObservabilityModule,
        PersistenceModule,
        CoordinationModule,
        SecurityModule,
        RoutingModule,
        McpModule,
        A2aModule,
        PluginsModule,
        CacheModule,
        HealthModule,
        ConfigSyncStatusModule,
        UiModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: GatewayExceptionFilter }],
    };
  }
}
