import type { GatewayResponse } from '@routeiq/common';
import type { A2aAgentRecord } from '@routeiq/persistence';
import type { A2aCallIds } from './a2a-call.audit';
import type { A2aCallStatus } from './a2a-call.tracker';
import type { A2aCallPlan } from './a2a-request.planner';

/** One planned call on its way to the agent and back. */
export interface A2aForwardCall {
  readonly agent: A2aAgentRecord;
  readonly plan: A2aCallPlan;
  readonly res: GatewayResponse;
  readonly keyId: string;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** `A2A-Version`, extension and trace headers for the agent. */
  readonly upstreamHeaders: Readonly<Record<string, string>>;
  /** Quota headers for the client. */
  readonly replyHeaders: Readonly<Record<string, string>>;
}

export interface A2aForwardOutcome {
  readonly status: A2aCallStatus;
  readonly errorType?: string;
  /** Tasks and contexts the answer named (for the audit record). */
  readonly ids?: A2aCallIds;
}
