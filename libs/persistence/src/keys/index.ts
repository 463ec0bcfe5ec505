export * from './governance.types';
export * from './virtual-key.store';
export * from './team.store';
export * from './spend.store';
export * from './spend.writer';
