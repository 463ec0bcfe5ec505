export * from './a2a.module';
export * from './a2a.config';
export * from './a2a.exception';
export * from './registry/a2a-agent.directory';
export * from './access';
