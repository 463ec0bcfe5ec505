import { useEffect, useState } from 'react';
import { gatewayText } from '../api/gateway-client';
import { GatewayError } from '../api/gateway-error';
import { useSession } from '../session/use-session';
import { summarizeMetrics, type MetricsSnapshot } from './metrics-snapshot';
import { parsePrometheusText } from './prometheus-parser';
import { appendSnapshot } from './rolling-window';

export interface MetricsPoll {
  readonly snapshots: readonly MetricsSnapshot[];
  readonly error: unknown;
  /** `/metrics` refused to answer without a user key (and none is set). */
  readonly needsUserKey: boolean;
}

/**
 * Scrapes `/metrics` every `intervalMs` while the tab is visible, keeping the newest `capacity`
 * snapshots. Sends the user key when there is one (`/metrics` may also be public).
 */
export function useMetricsPoll(intervalMs: number, capacity: number): MetricsPoll {
  const { userKey } = useSession();
  const [snapshots, setSnapshots] = useState<MetricsSnapshot[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    // Per effect run: a scrape left over from a previous run must not hold this one back.
    let busy = false;
    const scrape = async (): Promise<void> => {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const text = await gatewayText('/metrics', {
          auth: userKey ? 'user' : 'none',
          signal: controller.signal,
        });
        const snapshot = summarizeMetrics(parsePrometheusText(text), Date.now());
        setSnapshots((previous) => appendSnapshot(previous, snapshot, capacity));
        setError(null);
      } catch (caught) {
        if (controller.signal.aborted) return;
        setError(caught);
        // Without a key a 401 will not change: stop until one is given (the effect restarts).
        if (!userKey && caught instanceof GatewayError && caught.status === 401) {
          window.clearInterval(timer);
        }
      } finally {
        busy = false;
      }
    };
    const timer = window.setInterval(() => void scrape(), intervalMs);
    void scrape();
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [userKey, intervalMs, capacity]);

  const needsUserKey = !userKey && error instanceof GatewayError && error.status === 401;
  return { snapshots, error, needsUserKey };
}
