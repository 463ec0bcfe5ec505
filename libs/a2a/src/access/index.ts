export * from './a2a-agent-access';
export * from './a2a-agent-access.guard';
