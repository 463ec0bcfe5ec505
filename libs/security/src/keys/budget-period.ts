const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const NAMED: Record<string, string> = { daily: '1d', weekly: '7d', monthly: '1mo' };
const DURATION = /^(\d{1,4})(s|m|h|d|mo)$/;

export interface BudgetPeriod {
  readonly startMs: number;
  readonly endMs: number;
}

/** True for the budget durations the gateway understands (LiteLLM's and daily/weekly/monthly). */
export function isBudgetDuration(value: string): boolean {
  const match = DURATION.exec(NAMED[value] ?? value);
  return match !== null && Number(match[1]) > 0;
}

/** The instant one budget duration after `from` (calendar months for `mo`). */
export function addBudgetDuration(from: Date, duration: string): Date {
  const match = DURATION.exec(NAMED[duration] ?? duration);
  if (!match) throw new Error(`invalid budget duration "${duration}"`);
  const amount = Number(match[1]);
  const unit = match[2] as string;
  if (unit === 'mo') {
    const next = new Date(from.getTime());
    next.setUTCMonth(next.getUTCMonth() + amount);
    return next;
  }
  return new Date(from.getTime() + amount * (UNIT_MS[unit] as number));
}

/** The instant one budget duration before `to`. */
function subtractBudgetDuration(to: Date, duration: string): Date {
  const match = DURATION.exec(NAMED[duration] ?? duration);
  if (!match) throw new Error(`invalid budget duration "${duration}"`);
  const amount = Number(match[1]);
  const unit = match[2] as string;
  if (unit === 'mo') {
    const previous = new Date(to.getTime());
    previous.setUTCMonth(previous.getUTCMonth() - amount);
    return previous;
  }
  return new Date(to.getTime() - amount * (UNIT_MS[unit] as number));
}

/**
 * The budget period `now` falls in, given the stored reset instant. When the stored reset is in
 * the past (no replica has rolled it yet), periods are stepped forward so enforcement never waits
 * for the database job.
 */
export function currentBudgetPeriod(
  duration: string | null,
  resetAt: Date | null,
  now: number,
): BudgetPeriod | undefined {
  if (!duration || !resetAt) return undefined;
  let end = resetAt;
  for (let guard = 0; end.getTime() <= now && guard < 10_000; guard++) {
    end = addBudgetDuration(end, duration);
  }
  return { startMs: subtractBudgetDuration(end, duration).getTime(), endMs: end.getTime() };
}
