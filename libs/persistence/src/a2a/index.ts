export * from './a2a-agent.types';
export * from './a2a-agent.store';
export * from './a2a-agent-id';
