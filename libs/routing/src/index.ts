export * from './routing.module';
export * from './routing.exception';
export * from './router.service';
export * from './model-registry.service';
export * from './model-group';
export * from './strategies/routing-strategy';
export * from './strategies/simple-shuffle.strategy';
