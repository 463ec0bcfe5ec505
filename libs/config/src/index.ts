export * from './gateway-config.types';
export * from './config-validation.error';
export * from './config.exception';
export * from './env-validation';
export * from './cli-flags';
export * from './server.config';
export * from './environment.config';
export { loadGatewayConfig, type LoadedGatewayConfig } from './gateway-config.loader';
export { DEFAULT_CIRCUIT_BREAKER, DEFAULT_ROUTER_SETTINGS } from './router-settings.parser';
export {
  SUPPORTED_ROUTING_STRATEGIES,
  DEFAULT_ROUTING_STRATEGY,
  DEFAULT_MAX_REQUEST_SIZE_MB,
} from './config-schema';
export * from './config-store.service';
export * from './config-request-limits';
export * from './config.module';
export * from './remote';
