import { routerInfo } from '../../api/routing.api';
import { DataTable } from '../../components/data-table';
import { ErrorNotice, InfoNotice } from '../../components/notice';
import { Section } from '../../components/page';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useResource } from '../../lib/use-resource';

/** The learned strategies carrying traffic (their artifact version) and decision timings. */
export function MlRouterPanel() {
  const info = useResource('router-info', routerInfo);
  if (info.error) return <ErrorNotice error={info.error} title="Router info" />;
  if (!info.data) return null;
  const { ml_strategies: ml, decision_timings: timings } = info.data;
  return (
    <Section title="Learned router and decision time">
      {ml.length === 0 ? (
        <InfoNotice>No learned (llmrouter-*) strategy carries traffic.</InfoNotice>
      ) : (
        <DataTable
          testId="ml-strategies"
          caption="Learned strategies"
          columns={[
            'Strategy',
            'Model version',
            'Model path',
            'Loaded',
            'Hot reload',
            'Last error',
          ]}
        >
          {ml.map((s) => (
            <tr key={s.name}>
              <th scope="row" className="mono">
                {s.name}
              </th>
              <td className="mono">{s.version}</td>
              <td className="mono">{s.model_path ?? '—'}</td>
              <td>{formatDateTime(s.loaded_at)}</td>
              <td>{s.hot_reload ? 'on' : 'off'}</td>
              <td>{s.last_error ?? 'none'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {timings.length === 0 ? null : (
        <DataTable
          caption="Time to choose a deployment (recent decisions, this replica)"
          columns={['Strategy', 'Decisions', 'p50 (µs)', 'p99 (µs)']}
        >
          {timings.map((t) => (
            <tr key={t.strategy}>
              <th scope="row" className="mono">
                {t.strategy}
              </th>
              <td>{formatNumber(t.decisions)}</td>
              <td>{formatNumber(t.p50_us)}</td>
              <td>{formatNumber(t.p99_us)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
}
