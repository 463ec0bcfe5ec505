export * from './policy.types';
export * from './policy.config';
export * from './policy.exception';
export * from './policy.engine';
export * from './policy.enforcer';
export * from './policy-deny.listener';
export * from './policy.module';
export { parsePolicyDocument, type PolicyParseResult } from './policy-document.parser';
