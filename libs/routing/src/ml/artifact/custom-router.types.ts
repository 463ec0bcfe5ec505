/** What a custom router's `pick` returns: the chosen candidate's index and why. */
export interface CustomRouterPick {
  readonly index: number;
  readonly reason: string;
}

interface CustomRouterBase {
  /** The module's path as listed in the manifest. */
  readonly module: string;
  /** sha256 (hex) of the module file. */
  readonly sha256: string;
  /** First 12 hex digits of `sha256`: `strategy_version` in decision records. */
  readonly version: string;
}

/** A module that chooses a candidate itself. */
export interface PickingCustomRouter extends CustomRouterBase {
  readonly kind: 'pick';
  /**
   * Calls the module's `pick` (synchronously) and checks its answer.
   * @throws ArtifactError `custom_router_invalid` when the module throws or answers out of contract.
   */
  pick(
    candidates: readonly string[],
    prompt: string,
    args: Readonly<Record<string, unknown>>,
  ): CustomRouterPick;
}

/** A module that predicts a quality per candidate; a decision rule then chooses. */
export interface PredictingCustomRouter extends CustomRouterBase {
  readonly kind: 'predict';
  /**
   * Calls the module's `predict` (synchronously): one quality in [0, 1] per candidate.
   * @throws ArtifactError `custom_router_invalid` when the module throws or answers out of contract.
   */
  predict(prompt: string, candidates: readonly string[]): Float64Array;
}

/** A verified custom router module (LLMROUTER_CUSTOM_ROUTERS_PATH), see docs/ml-artifacts.md. */
export type CustomRouter = PickingCustomRouter | PredictingCustomRouter;
