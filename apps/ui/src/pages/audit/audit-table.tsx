import type { AuditLogEntry } from '../../api/api.types';
import { formatDateTime } from '../../lib/format';

const TONES: Readonly<Record<AuditLogEntry['outcome'], string>> = {
  success: 'ok',
  failure: 'bad',
  denied: 'bad',
};

export function AuditTable({ entries }: { readonly entries: readonly AuditLogEntry[] }) {
  return (
    <div className="table-wrap">
      <table data-testid="audit-table">
        <caption>Audit events</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Resource</th>
            <th scope="col">Outcome</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}
