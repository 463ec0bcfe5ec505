import { gatewayJson } from '../../api/gateway-client';
import type { SpendReport } from '../../api/api.types';
import { BarChart } from '../../components/bar-chart';
import { DataTable } from '../../components/data-table';
import { InfoNotice } from '../../components/notice';
import { Section } from '../../components/page';
import { formatNumber, formatUsd } from '../../lib/format';
import { useResource } from '../../lib/use-resource';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

interface History {
  readonly days: SpendReport;
  readonly models: SpendReport;
}

const loadHistory = async (signal: AbortSignal): Promise<History> => {
  const report = (group_by: string) =>
    gatewayJson<SpendReport>('/spend/report', { auth: 'admin', query: { group_by }, signal });
  const [days, models] = await Promise.all([report('day'), report('model')]);
  return { days, models };
};

/**
 * History from the request log (`GET /spend/report`). Gateways without that endpoint (or with
 * the request log off) answer an error: the panel is then left out.
 */
export function SpendHistory() {
  const { data } = useResource('spend-history', loadHistory);
  if (!data) return null;
  const days = data.days.data;
  if (days.length === 0) {
    return (
      <Section title="History (request log)">
        <InfoNotice>No requests logged yet.</InfoNotice>
      </Section>
    );
  }
  const labels = days.map((row) => textOf(row.day).slice(0, 10));
  return (
    <Section title="History (request log)">
      <div className="chart-grid">
        <BarChart
          title="Requests per day"
          labels={labels}
          values={days.map((r) => r.requests)}
          format={(v) => formatNumber(v, 1)}
        />
        <BarChart
          title="Spend per day"
          labels={labels}
          values={days.map((r) => r.spend)}
          format={formatUsd}
        />
        <BarChart
          title="Tokens per day"
          labels={labels}
          values={days.map((r) => r.total_tokens)}
          format={(v) => formatNumber(v, 1)}
        />
      </div>
      <DataTable
        caption="Spend by model"
        columns={['Model', 'Requests', 'Failed', 'Tokens', 'Spend']}
      >
        {data.models.data.map((row) => (
          <tr key={textOf(row.model)}>
            <th scope="row">{textOf(row.model) || '—'}</th>
            <td>{formatNumber(row.requests)}</td>
            <td>{formatNumber(row.failed_requests)}</td>
            <td>{formatNumber(row.total_tokens)}</td>
            <td>{formatUsd(row.spend)}</td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}
