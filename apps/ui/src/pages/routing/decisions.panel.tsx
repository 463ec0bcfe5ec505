import { useState } from 'react';
import type { RouterDecision } from '../../api/api.types';
import { recentDecisions } from '../../api/routing.api';
import { DataTable } from '../../components/data-table';
import { Field } from '../../components/field';
import { ErrorNotice, InfoNotice } from '../../components/notice';
import { Section } from '../../components/page';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useResource } from '../../lib/use-resource';

const LIMIT = 50;

/** The newest routing decisions of this replica, with the strategy's reason for each. */
export function DecisionsPanel() {
  const [model, setModel] = useState('');
  const [filter, setFilter] = useState('');
  const decisions = useResource(`decisions:${filter}`, (signal) =>
    recentDecisions(LIMIT, filter, signal),
  );
  return (
    <Section
      title="Recent routing decisions"
      actions={
        <button type="button" onClick={decisions.reload}>
          Refresh decisions
        </button>
      }
    >
      <form
        className="inline-form"
        aria-label="Filter decisions"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(model.trim());
        }}
      >
        <Field label="Model group" value={model} onChange={setModel} hint="Empty: every group." />
        <button type="submit">Filter</button>
      </form>
      <ErrorNotice error={decisions.error} title="Decisions" />
      {decisions.data?.length === 0 ? (
        <InfoNotice>No decisions yet on this replica.</InfoNotice>
      ) : null}
      {decisions.data?.length ? <DecisionsTable decisions={decisions.data} /> : null}
    </Section>
  );
}

function DecisionsTable({ decisions }: { readonly decisions: readonly RouterDecision[] }) {
  return (
    <DataTable
      testId="decisions-table"
      caption="Newest first"
      columns={[
        'Time',
        'Model group',
        'Strategy',
        'Selected',
        'Reason',
        'Outcome',
        'Decision · total',
        'Candidates',
      ]}
    >
      {decisions.map((d) => (
        <tr key={`${d.request_id}-${d.timestamp}`}>
          <td>{formatDateTime(d.timestamp)}</td>
          <td>{d.model_group}</td>
          <td className="mono">
            {d.strategy}@{d.strategy_version}
            {d.experiment ? (
              <div className="muted">
                {d.experiment.id}: {d.experiment.variant}
              </div>
            ) : null}
          </td>
          <td className="mono">{d.selected ?? 'none'}</td>
          <td>
            {d.reason}
            {d.fallback ? (
              <div className="muted">
                fallback {d.fallback.from} → {d.fallback.to} ({d.fallback.reason})
              </div>
            ) : null}
            {d.strategy_error ? (
              <div className="muted">strategy error: {d.strategy_error}</div>
            ) : null}
          </td>
          <td>
            <span className={`badge badge-${d.outcome === 'error' ? 'bad' : 'ok'}`}>
              {d.outcome}
            </span>
          </td>
          <td>
            {formatNumber(d.timings.decision_us)} µs · {formatNumber(d.timings.total_ms, 1)} ms
          </td>
          <td>{d.candidates.map((c) => `${c.deployment} (${c.state})`).join(', ')}</td>
        </tr>
      ))}
    </DataTable>
  );
}
