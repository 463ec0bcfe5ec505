export * from './key-cache.service';
export * from './request-identity';
export * from './resolved-key';
export * from './budget-period';
export * from './virtual-key';
export * from './agent-rpm-limit';
