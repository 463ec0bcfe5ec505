import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { persistenceConfig } from '@routeiq/persistence';
import { SecurityModule } from '@routeiq/security';
import { a2aConfig, a2aConfigProvider } from './a2a.config';
import { A2A_ROUTE_PATHS, A2aGatewayEnabledMiddleware } from './a2a-gateway-enabled.middleware';
import { A2A_CARD_CONTROLLERS, A2A_CARD_PROVIDERS } from './cards';
import { A2aCardRefresher, A2aCardRefreshJob } from './cards/a2a-card-refresh.job';
import { A2aRegistryCardRefresher } from './cards/a2a-registry-card.refresher';
import { A2A_PROXY_CONTROLLERS, A2A_PROXY_PROVIDERS } from './proxy';
import { A2A_REGISTRY_CONTROLLERS, A2A_REGISTRY_PROVIDERS } from './registry';

/**
 * The A2A gateway: the registry of upstream agents and its REST API, agent cards rewritten to
 * point at the gateway (and fetched again on a schedule), and the JSON-RPC proxy
 * (`POST /a2a/{id}`). Every route answers 404 `a2a_gateway_disabled` while `A2A_GATEWAY_ENABLED`
 * is off.
 */
@Module({
  // `persistence`: ListTasks page tokens are sealed under the credentials secret (all replicas).
  imports: [
    ConfigModule.forFeature(a2aConfig),
    ConfigModule.forFeature(persistenceConfig),
    SecurityModule,
  ],
  // Registry first: Express matches in registration order, so its fixed `a2a/agents` paths
  // must precede the `a2a/:id` patterns of the cards and the proxy.
  controllers: [...A2A_REGISTRY_CONTROLLERS, ...A2A_CARD_CONTROLLERS, ...A2A_PROXY_CONTROLLERS],
  providers: [
    a2aConfigProvider,
    ...A2A_REGISTRY_PROVIDERS,
    ...A2A_CARD_PROVIDERS,
    ...A2A_PROXY_PROVIDERS,
    { provide: A2aCardRefresher, useClass: A2aRegistryCardRefresher },
    A2aCardRefreshJob,
  ],
})
export class A2aModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(A2aGatewayEnabledMiddleware).forRoutes(...A2A_ROUTE_PATHS);
  }
}
