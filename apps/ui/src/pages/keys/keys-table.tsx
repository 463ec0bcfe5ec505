import type { KeyView, SpendReport } from '../../api/api.types';
import { ConfirmButton } from '../../components/confirm-button';
import { formatDateTime, formatNumber, formatUsd, ofLimit, virtualKeyId } from '../../lib/format';

interface KeysTableProps {
  readonly keys: readonly KeyView[];
  readonly usage: SpendReport | null | undefined;
  readonly onEdit: (key: KeyView) => void;
  readonly onBlock: (key: KeyView, blocked: boolean) => void;
  readonly onDelete: (key: KeyView) => void;
}

export function keyLabel(key: KeyView): string {
  return key.key_alias ?? key.key_name;
}

function statusOf(key: KeyView): { text: string; tone: 'ok' | 'bad' } {
  if (key.blocked) return { text: 'Blocked', tone: 'bad' };
  if (key.expires && new Date(key.expires).getTime() <= Date.now())
    return { text: 'Expired', tone: 'bad' };
  return { text: 'Active', tone: 'ok' };
}

/** Keys with their limits, spend and (when the request log is on) usage. */
export function KeysTable({ keys, usage, onEdit, onBlock, onDelete }: KeysTableProps) {
  const byKeyId = new Map(usage?.data.map((row) => [String(row.key_id), row]) ?? []);
  return (
    <div className="table-wrap">
      <table data-testid="keys-table">
        <caption>Virtual keys</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Team</th>
            <th scope="col">Models</th>
            <th scope="col">Spend / budget</th>
            <th scope="col">rpm · tpm</th>
            {usage ? <th scope="col">Requests · tokens</th> : null}
            <th scope="col">Status</th>
            <th scope="col">Expires</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const label = keyLabel(key);
            const status = statusOf(key);
            const row = byKeyId.get(virtualKeyId(key.token));
            return (
              <tr key={key.token}>
                <th scope="row">
                  {label}
                  <div className="muted mono">{key.key_name}</div>
                </th>
                <td>{key.team_id ?? '—'}</td>
                <td>{key.models.length ? key.models.join(', ') : 'all'}</td>
                <td>
                  {ofLimit(formatUsd(key.spend), key.max_budget, formatUsd)}
                  {key.budget_duration ? (
                    <div className="muted">per {key.budget_duration}</div>
                  ) : null}
                </td>
                <td>
                  {formatNumber(key.rpm_limit)} · {formatNumber(key.tpm_limit)}
                </td>
                {usage ? (
                  <td>
                    {formatNumber(row?.requests ?? 0)} · {formatNumber(row?.total_tokens ?? 0)}
                  </td>
                ) : null}
                <td>
                  <span className={`badge badge-${status.tone}`}>{status.text}</span>
                </td>
                <td>{formatDateTime(key.expires)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={`Edit key ${label}`}
                    onClick={() => onEdit(key)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    aria-label={`${key.blocked ? 'Unblock' : 'Block'} key ${label}`}
                    onClick={() => onBlock(key, !key.blocked)}
                  >
                    {key.blocked ? 'Unblock' : 'Block'}
                  </button>
                  <ConfirmButton
                    label="Delete"
                    ariaLabel={`Delete key ${label}`}
                    title={`Delete key ${label}?`}
                    confirmLabel="Delete key"
                    danger
                    onConfirm={() => onDelete(key)}
                  >
                    <p>Requests with this key will be refused at once. This cannot be undone.</p>
                  </ConfirmButton>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
