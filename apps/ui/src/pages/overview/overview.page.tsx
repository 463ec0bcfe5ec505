import { LineChart } from '../../components/line-chart';
import { ErrorNotice } from '../../components/notice';
import { Page, Section } from '../../components/page';
import { UserKeyForm } from '../../components/user-key-gate';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../lib/format';
import { useMetricsPoll, type PollTiming } from '../../metrics/use-metrics-poll';
import { summarizeWindow, windowPoints } from '../../metrics/rolling-window';
import { SpendHistory } from './spend-history.panel';

// The first rates show about a second after the page opens, then every 5 s.
const TIMING: PollTiming = { intervalMs: 5000, warmupMs: 1000 };
// Ten minutes of 5-second scrapes, plus the warm-up one.
const CAPACITY = 122;

export function OverviewPage() {
  return (
    <Page
      title="Overview"
      description="Live traffic from /metrics (scraped every 5 s, first after 1 s; the last 10 minutes are kept in this tab) and history from the request log."
    >
      <LiveTraffic />
      <SpendHistory />
    </Page>
  );
}

function LiveTraffic() {
  const { snapshots, error, needsUserKey } = useMetricsPoll(TIMING, CAPACITY);
  if (needsUserKey) return <UserKeyForm purpose="live metrics (GET /metrics)" />;
  const points = windowPoints(snapshots);
  const summary = summarizeWindow(snapshots);
  const times = points.map((p) => p.at);
  const last = snapshots[snapshots.length - 1];
  return (
    <Section title="Live traffic">
      <ErrorNotice error={error} title="Metrics" />
      <dl className="tiles" aria-label="Traffic in the window" data-testid="overview-tiles">
        <Tile label="Requests" value={formatNumber(summary?.requests)} />
        <Tile label="Error rate" value={formatPercent(summary?.errorRate)} />
        <Tile label="Latency p50" value={formatMs(summary?.p50Ms)} />
        <Tile label="Latency p99" value={formatMs(summary?.p99Ms)} />
        <Tile label="Tokens" value={formatNumber(summary?.tokens)} />
        <Tile label="Spend" value={formatUsd(summary?.spendUsd)} />
        <Tile label="In flight" value={formatNumber(last?.inFlight)} />
      </dl>
      {last ? (
        <p className="muted" data-testid="since-start">
          Since this replica started: {formatNumber(last.requests)} requests,{' '}
          {formatNumber(last.errors)} errors, {formatNumber(last.inputTokens + last.outputTokens)}{' '}
          tokens, {formatUsd(last.spendUsd)} spent.
        </p>
      ) : null}
      <div className="chart-grid">
        <LineChart
          title="Requests per second"
          times={times}
          series={[
            { name: 'requests', values: points.map((p) => p.requestsPerSec) },
            { name: 'errors', values: points.map((p) => p.errorsPerSec) },
          ]}
          format={(v) => formatNumber(v, 2)}
        />
        <LineChart
          title="Latency"
          times={times}
          series={[
            { name: 'p50', values: points.map((p) => p.p50Ms) },
            { name: 'p99', values: points.map((p) => p.p99Ms) },
          ]}
          format={formatMs}
        />
        <LineChart
          title="Tokens per second"
          times={times}
          series={[
            { name: 'input', values: points.map((p) => p.inputTokensPerSec) },
            { name: 'output', values: points.map((p) => p.outputTokensPerSec) },
          ]}
          format={(v) => formatNumber(v, 1)}
        />
        <LineChart
          title="Spend per interval"
          times={times}
          series={[{ name: 'USD', values: points.map((p) => p.spendUsd) }]}
          format={formatUsd}
        />
      </div>
    </Section>
  );
}

function Tile({ label, value }: { readonly label: string; readonly value: string }) {
  return (
    <div className="tile">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
