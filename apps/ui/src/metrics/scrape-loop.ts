export interface ScrapeLoopOptions {
  /** One scrape; resolves to false when scraping again cannot help (the loop stops). */
  readonly scrape: () => Promise<boolean>;
  /** True while nobody can see the page: the scrape is skipped, the pace kept. */
  readonly paused: () => boolean;
  readonly intervalMs: number;
  /**
   * The gap between the first and the second scrape. A rate needs two scrapes, so a short first
   * gap puts the first figures on screen in about this time instead of a whole interval.
   */
  readonly warmupMs: number;
}

/** The wait before the next scrape, given how many this loop has made. */
export function nextScrapeDelay(scrapesMade: number, intervalMs: number, warmupMs: number): number {
  return scrapesMade === 1 ? Math.min(warmupMs, intervalMs) : intervalMs;
}

/**
 * Scrapes at once, again after `warmupMs`, then every `intervalMs` (each wait starts when the
 * previous scrape has answered, so scrapes never overlap). Answers a function that stops the loop.
 */
export function startScrapeLoop(options: ScrapeLoopOptions): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let made = 0;
  const schedule = (ms: number): void => {
    if (!stopped) timer = setTimeout(() => void tick(), ms);
  };
  const tick = async (): Promise<void> => {
    if (options.paused()) return schedule(options.intervalMs);
    const again = await options.scrape().catch(() => true);
    made += 1;
    if (again) schedule(nextScrapeDelay(made, options.intervalMs, options.warmupMs));
  };
  void tick();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
