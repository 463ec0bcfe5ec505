import type { Attributes, Span } from '@opentelemetry/api';
import * as observability from '@routeiq/observability';
import type { RoutingSession } from '@routeiq/routing';
import { collector } from './trace-attributes';

// Read once: a lib's index re-exports compile to getters, called at every use (docs/performance.md
// "Tracing overhead", session 18).
const { AttributeBlock, Router } = observability;
type AttributeBlock = observability.AttributeBlock;

/** Decision blocks kept per model group (a group's decisions take a few shapes in turn). */
const DECISION_BLOCKS_PER_GROUP = 4;
/** Model groups with decision blocks kept, at most (beyond: a block of each decision). */
const DECISION_BLOCK_GROUPS = 1024;

/** A decision block and what it was made of (the record's fields it holds). */
interface DecisionBlock {
  readonly strategy: string;
  readonly version: string;
  readonly reason: string;
  readonly candidates: number;
  readonly outcome: string;
  readonly selected: string | null;
  readonly experiment: string | undefined;
  readonly strategyError: string | undefined;
  readonly block: AttributeBlock;
}

const decisionBlocks = new Map<string, DecisionBlock[]>();

/**
 * The routing span's `router.*` attributes but its decision time: they repeat from request to
 * request of a group (strategy, reason, candidates, outcome, the chosen deployment), so they come
 * as a block kept per group and shape (a block of this decision only past the limits).
 */
export function decisionAttributes(decision: RoutingSession['decision']): AttributeBlock {
  return decisionBlock(decision) ?? blockOf(decision);
}

function decisionBlock(decision: RoutingSession['decision']): AttributeBlock | undefined {
  const experiment =
    decision.experiment && `${decision.experiment.id}/${decision.experiment.variant}`;
  let kept = decisionBlocks.get(decision.model_group);
  if (kept !== undefined) {
    for (const entry of kept) {
      if (
        entry.strategy === decision.strategy &&
        entry.version === decision.strategy_version &&
        entry.reason === decision.reason &&
        entry.candidates === decision.candidates.length &&
        entry.outcome === decision.outcome &&
        entry.selected === decision.selected &&
        entry.experiment === experiment &&
        entry.strategyError === decision.strategy_error
      )
        return entry.block;
    }
  } else {
    if (decisionBlocks.size >= DECISION_BLOCK_GROUPS) return undefined;
    decisionBlocks.set(decision.model_group, (kept = []));
  }
  const block = blockOf(decision);
  // The newest first; the oldest goes past the limit.
  kept.unshift({
    strategy: decision.strategy,
    version: decision.strategy_version,
    reason: decision.reason,
    candidates: decision.candidates.length,
    outcome: decision.outcome,
    selected: decision.selected,
    experiment,
    strategyError: decision.strategy_error,
    block,
  });
  if (kept.length > DECISION_BLOCKS_PER_GROUP) kept.pop();
  return block;
}

function blockOf(decision: RoutingSession['decision']): AttributeBlock {
  const attributes: Attributes = {};
  setDecisionFields(collector(attributes), decision);
  return new AttributeBlock(attributes);
}

/** What a span stand-in sets: the decision's attributes but its time. */
function setDecisionFields(
  span: Pick<Span, 'setAttribute'>,
  decision: RoutingSession['decision'],
): void {
  span.setAttribute(Router.STRATEGY, decision.strategy);
  span.setAttribute(Router.STRATEGY_VERSION, decision.strategy_version);
  span.setAttribute(Router.MODEL_GROUP, decision.model_group);
  span.setAttribute(Router.REASON, decision.reason);
  span.setAttribute(Router.CANDIDATES, decision.candidates.length);
  span.setAttribute(Router.OUTCOME, decision.outcome);
  if (decision.selected) span.setAttribute(Router.SELECTED, decision.selected);
  if (decision.experiment)
    span.setAttribute(
      Router.EXPERIMENT,
      `${decision.experiment.id}/${decision.experiment.variant}`,
    );
  if (decision.strategy_error) span.setAttribute(Router.STRATEGY_ERROR, decision.strategy_error);
}
