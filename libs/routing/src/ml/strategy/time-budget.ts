import { numericArg } from './learned-routing.args';

/** Default `routing_strategy_args.timeout_ms`: featurize + predict, per decision. */
export const DEFAULT_ROUTER_TIMEOUT_MS = 5;
/** Decisions over budget in a row after which the router is skipped for a while. */
export const OVER_BUDGET_STRIKES = 3;
/** How long a router that keeps missing its budget is skipped (the default strategy chooses). */
export const OVER_BUDGET_SKIP_MS = 30_000;

/** The budget of one decision from `routing_strategy_args.timeout_ms`, else the default. */
export function timeoutMsOf(args: Readonly<Record<string, unknown>>): number {
  const value = numericArg(args.timeout_ms);
  return value !== undefined && value > 0 ? value : DEFAULT_ROUTER_TIMEOUT_MS;
}

/**
 * A learned router's time budget. Synchronous code cannot be interrupted, so a slow decision
 * still counts; what the budget protects is the traffic after it: a router over budget several
 * decisions in a row is skipped for `OVER_BUDGET_SKIP_MS` (its picks throw, so the default
 * strategy chooses), and `onSkip` is told once per episode.
 */
export class TimeBudget {
  private strikes = 0;
  private skipUntil = 0;

  constructor(
    private readonly onSkip: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the router is being skipped now (`enter` would throw). */
  get skipping(): boolean {
    return this.skipUntil !== 0 && this.now() < this.skipUntil;
  }

  /** @throws Error while the router is being skipped. */
  enter(): void {
    if (this.skipUntil === 0) return;
    if (this.now() < this.skipUntil) {
      const until = new Date(this.skipUntil).toISOString();
      throw new Error(`skipped until ${until}: over its time budget ${OVER_BUDGET_STRIKES} times`);
    }
    this.skipUntil = 0;
    this.strikes = 0;
  }

  /** Counts one decision; true when it was over budget. */
  record(elapsedMs: number, budgetMs: number): boolean {
    if (elapsedMs <= budgetMs) {
      this.strikes = 0;
      return false;
    }
    this.strikes++;
    if (this.strikes >= OVER_BUDGET_STRIKES) {
      this.skipUntil = this.now() + OVER_BUDGET_SKIP_MS;
      this.onSkip(
        `${this.strikes} decisions in a row over the ${budgetMs} ms budget (last ` +
          `${elapsedMs.toFixed(1)} ms): skipped for ${OVER_BUDGET_SKIP_MS / 1000} s, the default ` +
          'strategy chooses meanwhile',
      );
    }
    return true;
  }
}
