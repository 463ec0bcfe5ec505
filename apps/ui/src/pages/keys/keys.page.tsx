import { useState } from 'react';
import type { KeyView } from '../../api/api.types';
import {
  deleteKey,
  generateKey,
  listKeys,
  listTeams,
  setKeyBlocked,
  updateKey,
  usageReport,
} from '../../api/keys.api';
import { ErrorNotice, InfoNotice, Loading, StatusMessage } from '../../components/notice';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { SecretOncePanel } from '../../components/secret-once-panel';
import { useAction } from '../../lib/use-action';
import { useResource } from '../../lib/use-resource';
import { KeyDetails } from './key-details';
import { KeyForm } from './key-form';
import { keyLabel, KeysTable } from './keys-table';

const PAGE_SIZE = 25;

type Editing = { kind: 'create' } | { kind: 'edit'; key: KeyView } | null;

export function KeysPage() {
  const [page, setPage] = useState(1);
  const keys = useResource(`keys:${page}`, (signal) => listKeys(page, PAGE_SIZE, signal));
  const teams = useResource('teams', listTeams);
  const usage = useResource('usage:key', (signal) => usageReport('key', signal));
  const [editing, setEditing] = useState<Editing>(null);
  const [secret, setSecret] = useState<{ label: string; key: string } | null>(null);
  const [status, setStatus] = useState('');
  const action = useAction(async (run: () => Promise<string>) => {
    setStatus(await run());
    keys.reload();
  });

  const create = async (body: Record<string, unknown>): Promise<void> => {
    const created = await generateKey(body);
    setEditing(null);
    setSecret({ label: keyLabel(created), key: created.key });
    setStatus(`Key ${keyLabel(created)} created.`);
    keys.reload();
  };
  const update = async (body: Record<string, unknown>): Promise<void> => {
    const updated = await updateKey(body);
    setEditing(null);
    setStatus(`Key ${keyLabel(updated)} saved.`);
    keys.reload();
  };

  const list = keys.data;
  return (
    <Page
      title="Keys"
      description="Virtual keys: create (the key is shown once), edit limits and budgets, block, delete."
      actions={
        <button
          type="button"
          className="primary"
          aria-expanded={editing?.kind === 'create'}
          onClick={() => {
            setStatus('');
            setEditing({ kind: 'create' });
          }}
        >
          Create key
        </button>
      }
    >
      {secret ? (
        <SecretOncePanel
          title={`Key ${secret.label} created`}
          secret={secret.key}
          onDismiss={() => setSecret(null)}
        />
      ) : null}
      <StatusMessage>{status}</StatusMessage>
      <ErrorNotice error={action.error} title="The gateway refused" />
      {editing ? (
        <KeyForm
          key={editing.kind === 'edit' ? editing.key.token : 'new'}
          current={editing.kind === 'edit' ? editing.key : undefined}
          teams={teams.data ?? []}
          onSubmit={editing.kind === 'edit' ? update : create}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {editing?.kind === 'edit' ? <KeyDetails token={editing.key.token} /> : null}
      <ErrorNotice error={keys.error} title="Keys" />
      {keys.loading && !list ? <Loading what="keys" /> : null}
      {list && list.keys.length === 0 ? <InfoNotice>No keys yet.</InfoNotice> : null}
      {list && list.keys.length > 0 ? (
        <>
          <KeysTable
            keys={list.keys}
            usage={usage.data}
            onEdit={(key) => setEditing({ kind: 'edit', key })}
            onBlock={(key, blocked) =>
              void action.run(async () => {
                await setKeyBlocked(key.token, blocked);
                return `Key ${keyLabel(key)} ${blocked ? 'blocked' : 'unblocked'}.`;
              })
            }
            onDelete={(key) =>
              void action.run(async () => {
                await deleteKey(key.token);
                return `Key ${keyLabel(key)} deleted.`;
              })
            }
          />
          <Pager page={page} pages={list.total_pages} total={list.total_count} onPage={setPage} />
        </>
      ) : null}
    </Page>
  );
}
