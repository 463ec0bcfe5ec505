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
import { OpenFormButton } from '../../components/form-card';
import { ErrorNotice, StatusMessage } from '../../components/notice';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { ResourceList } from '../../components/resource-list';
import { SecretOncePanel } from '../../components/secret-once-panel';
import { useListEditor } from '../../lib/use-list-editor';
import { useResource } from '../../lib/use-resource';
import { KeyDetails } from './key-details';
import { KeyForm } from './key-form';
import { keyLabel, KeysTable } from './keys-table';

const PAGE_SIZE = 25;

export function KeysPage() {
  const [page, setPage] = useState(1);
  const keys = useResource(`keys:${page}`, (signal) => listKeys(page, PAGE_SIZE, signal));
  const teams = useResource('teams', listTeams);
  const usage = useResource('usage:key', (signal) => usageReport('key', signal));
  const editor = useListEditor<KeyView>(keys.reload);
  const [secret, setSecret] = useState<{ label: string; key: string } | null>(null);

  const create = editor.saveWith(generateKey, (created) => {
    setSecret({ label: keyLabel(created), key: created.key });
    return `Key ${keyLabel(created)} created.`;
  });
  const update = editor.saveWith(updateKey, (updated) => `Key ${keyLabel(updated)} saved.`);
  const { editing } = editor;
  return (
    <Page
      title="Keys"
      description="Virtual keys: create (the key is shown once), edit limits and budgets, block, delete."
      actions={
        <OpenFormButton
          label="Create key"
          open={editing?.kind === 'create'}
          onOpen={editor.create}
        />
      }
    >
      {secret ? (
        <SecretOncePanel
          title={`Key ${secret.label} created`}
          secret={secret.key}
          onDismiss={() => setSecret(null)}
        />
      ) : null}
      <StatusMessage>{editor.status}</StatusMessage>
      <ErrorNotice error={editor.rowAction.error} title="The gateway refused" />
      {editing ? (
        <KeyForm
          key={editing.kind === 'edit' ? editing.item.token : 'new'}
          current={editing.kind === 'edit' ? editing.item : undefined}
          teams={teams.data ?? []}
          onSubmit={editing.kind === 'edit' ? update : create}
          onCancel={editor.close}
        />
      ) : null}
      {editing?.kind === 'edit' ? <KeyDetails token={editing.item.token} /> : null}
      <ResourceList
        resource={keys}
        title="Keys"
        what="keys"
        empty="No keys yet."
        items={(list) => list.keys}
      >
        {(items, list) => (
          <>
            <KeysTable
              keys={items}
              usage={usage.data}
              onEdit={editor.edit}
              onBlock={(key, blocked) =>
                void editor.rowAction.run(async () => {
                  await setKeyBlocked(key.token, blocked);
                  return `Key ${keyLabel(key)} ${blocked ? 'blocked' : 'unblocked'}.`;
                })
              }
              onDelete={(key) =>
                void editor.rowAction.run(async () => {
                  await deleteKey(key.token);
                  return `Key ${keyLabel(key)} deleted.`;
                })
              }
            />
            <Pager page={page} pages={list.total_pages} total={list.total_count} onPage={setPage} />
          </>
        )}
      </ResourceList>
    </Page>
  );
}
