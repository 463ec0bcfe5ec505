import type { KeyView, SpendReport } from '../../api/api.types';
import { DataTable } from '../../components/data-table';
import {
  GovernanceActions,
  GovernanceCells,
  governanceColumns,
  usageBy,
} from '../../components/governance-row';
import { formatDateTime, virtualKeyId } from '../../lib/format';

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
  const byKeyId = usageBy(usage, 'key_id');
  return (
    <DataTable
      testId="keys-table"
      caption="Virtual keys"
      columns={['Key', 'Team', ...governanceColumns(usage), 'Status', 'Expires', 'Actions']}
    >
      {keys.map((key) => {
        const label = keyLabel(key);
        const status = statusOf(key);
        return (
          <tr key={key.token}>
            <th scope="row">
              {label}
              <div className="muted mono">{key.key_name}</div>
            </th>
            <td>{key.team_id ?? '—'}</td>
            <GovernanceCells item={key} usage={usage} row={byKeyId.get(virtualKeyId(key.token))} />
            <td>
              <span className={`badge badge-${status.tone}`}>{status.text}</span>
            </td>
            <td>{formatDateTime(key.expires)}</td>
            <GovernanceActions
              noun="key"
              label={label}
              blocked={key.blocked}
              onEdit={() => onEdit(key)}
              onBlock={(blocked) => onBlock(key, blocked)}
              onDelete={() => onDelete(key)}
              confirmLabel="Delete key"
              warning="Requests with this key will be refused at once. This cannot be undone."
            />
          </tr>
        );
      })}
    </DataTable>
  );
}
