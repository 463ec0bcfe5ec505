import { useEffect, useState } from 'react';
import { gatewayText } from '../api/gateway-client';
import { GatewayError } from '../api/gateway-error';
import { useSession } from '../session/use-session';
import { summarizeMetrics, type MetricsSnapshot } from './metrics-snapshot';
import { parsePrometheusText } from './prometheus-parser';
import { appendSnapshot } from './rolling-window';
import { startScrapeLoop } from './scrape-loop';

export interface MetricsPoll {
  readonly snapshots: readonly MetricsSnapshot[];
  readonly error: unknown;
  /** `/metrics` refused to answer without a user key (and none is set). */
  readonly needsUserKey: boolean;
}

export interface PollTiming {
  readonly intervalMs: number;
  /** The first gap: the first rates (which need two scrapes) show after it. */
  readonly warmupMs: number;
}

/**
 * Scrapes `/metrics` at once, after `warmupMs`, then every `intervalMs` while the tab is visible,
 * keeping the newest `capacity` snapshots. Sends the user key when there is one (`/metrics` may
 * also be public).
 */
export function useMetricsPoll(
  { intervalMs, warmupMs }: PollTiming,
  capacity: number,
): MetricsPoll {
  const { userKey } = useSession();
  const [snapshots, setSnapshots] = useState<MetricsSnapshot[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    const scrape = async (): Promise<boolean> => {
      try {
        const text = await gatewayText('/metrics', {
          auth: userKey ? 'user' : 'none',
          signal: controller.signal,
        });
        const snapshot = summarizeMetrics(parsePrometheusText(text), Date.now());
        setSnapshots((previous) => appendSnapshot(previous, snapshot, capacity));
        setError(null);
        return true;
      } catch (caught) {
        if (controller.signal.aborted) return false;
        setError(caught);
        // Without a key a 401 will not change: stop until one is given (the effect restarts).
        return !(!userKey && caught instanceof GatewayError && caught.status === 401);
      }
    };
    const stop = startScrapeLoop({
      scrape,
      paused: () => document.hidden,
      intervalMs,
      warmupMs,
    });
    return () => {
      controller.abort();
      stop();
    };
  }, [userKey, intervalMs, warmupMs, capacity]);

  const needsUserKey = !userKey && error instanceof GatewayError && error.status === 401;
  return { snapshots, error, needsUserKey };
}
