import type { DecisionRule } from '../ml.types';
import { extremeBySize } from './rule-args';

function availableIndices(available: readonly boolean[], count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (available[i] === true) out.push(i);
  return out;
}

/** `llmrouter-smallest`: the smallest available candidate by size, else by cost. No model needed. */
export const smallestRule: DecisionRule = (predicted, facts, available) => {
  const index = extremeBySize(
    facts,
    availableIndices(available, Math.max(predicted.length, facts.length)),
    false,
  );
  return index === -1
    ? { index, reason: 'no candidate available' }
    : { index, reason: 'smallest available candidate' };
};

/** `llmrouter-largest`: the largest available candidate by size, else by cost. No model needed. */
export const largestRule: DecisionRule = (predicted, facts, available) => {
  const index = extremeBySize(
    facts,
    availableIndices(available, Math.max(predicted.length, facts.length)),
    true,
  );
  return index === -1
    ? { index, reason: 'no candidate available' }
    : { index, reason: 'largest available candidate' };
};
