export * from './a2a-agent.types';
export * from './a2a-agent.store';
