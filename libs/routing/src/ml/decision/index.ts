export * from './decision-rules';
export { argmaxRule } from './argmax.rule';
export { COST_AWARE_DEFAULTS, costAwareRule } from './cost-aware.rule';
export { HYBRID_DEFAULT_QUALITY_GAP, hybridRule } from './hybrid.rule';
export { THRESHOLD_DEFAULT, strongWeakPair, thresholdRule } from './threshold.rule';
export { largestRule, smallestRule } from './size.rule';
