import type { AuditLogEntry } from '../../api/api.types';
import { DataTable } from '../../components/data-table';
import { formatDateTime } from '../../lib/format';

const TONES: Readonly<Record<AuditLogEntry['outcome'], string>> = {
  success: 'ok',
  failure: 'bad',
  denied: 'bad',
};

export function AuditTable({ entries }: { readonly entries: readonly AuditLogEntry[] }) {
  return (
    <DataTable
      testId="audit-table"
      caption="Audit events"
      columns={['Time', 'Actor', 'Action', 'Resource', 'Outcome', 'Details']}
    >
      {entries.map((entry) => (
        <tr key={entry.id}>
          <td>{formatDateTime(entry.created_at)}</td>
          <td>
            {entry.actor_type}
            {entry.actor_id ? <div className="muted mono">{entry.actor_id}</div> : null}
          </td>
          <td className="mono">{entry.action}</td>
          <td>
            {entry.resource_type ?? '—'}
            {entry.resource_id ? <div className="muted mono">{entry.resource_id}</div> : null}
          </td>
          <td>
            <span className={`badge badge-${TONES[entry.outcome]}`}>{entry.outcome}</span>
            {entry.reason ? <div className="muted">{entry.reason}</div> : null}
          </td>
          <td>
            <details>
              <summary>Metadata</summary>
              <pre className="json">
                {JSON.stringify({ request_id: entry.request_id, ...entry.metadata }, null, 2)}
              </pre>
            </details>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
