/** What a load run saw: every request's outcome, failures kept with their reason. */
export interface LoadResult {
  readonly total: number;
  readonly failed: number;
  readonly failures: string[];
}

/** A running load: `stop()` waits for the requests in flight and returns the tally. */
export interface LoadLoop {
  stop(): Promise<LoadResult>;
  /** Requests completed so far (any outcome). */
  count(): number;
}

/**
 * `concurrency` clients, each sending one chat completion after another to `url` until stopped.
 * fetch keeps connections alive, as a real client of nginx would.
 */
export function startLoad(url: string, key: string, model: string, concurrency: number): LoadLoop {
  let running = true;
  let total = 0;
  const failures: string[] = [];
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'load' }] });
  const client = async (): Promise<void> => {
    while (running) {
      try {
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body,
        });
        const text = await res.text();
        if (res.status !== 200) failures.push(`${res.status} ${text.slice(0, 200)}`);
      } catch (error) {
        failures.push(`fetch: ${(error as Error).message}`);
      }
      total++;
    }
  };
  const clients = Array.from({ length: concurrency }, () => client());
  return {
    count: () => total,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return { total, failed: failures.length, failures };
    },
  };
}
