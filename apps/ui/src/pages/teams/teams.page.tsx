import type { TeamView } from '../../api/api.types';
import { createTeam, deleteTeam, listTeams, updateTeam, usageReport } from '../../api/keys.api';
import { OpenFormButton } from '../../components/form-card';
import { ErrorNotice, StatusMessage } from '../../components/notice';
import { Page } from '../../components/page';
import { ResourceList } from '../../components/resource-list';
import { useListEditor } from '../../lib/use-list-editor';
import { useResource } from '../../lib/use-resource';
import { TeamDetails } from './team-details';
import { TeamForm } from './team-form';
import { teamLabel, TeamsTable } from './teams-table';

export function TeamsPage() {
  const teams = useResource('teams', listTeams);
  const usage = useResource('usage:team', (signal) => usageReport('team', signal));
  const editor = useListEditor<TeamView>(teams.reload);
  const save = (write: (body: Record<string, unknown>) => Promise<TeamView>, verb: string) =>
    editor.saveWith(write, (team) => `Team ${teamLabel(team)} ${verb}.`);
  const { editing } = editor;

  return (
    <Page
      title="Teams"
      description="A team's models, budget and limits bind every key in it; blocking a team blocks its keys."
      actions={
        <OpenFormButton
          label="Create team"
          open={editing?.kind === 'create'}
          onOpen={editor.create}
        />
      }
    >
      <StatusMessage>{editor.status}</StatusMessage>
      <ErrorNotice error={editor.rowAction.error} title="The gateway refused" />
      {editing ? (
        <TeamForm
          key={editing.kind === 'edit' ? editing.item.team_id : 'new'}
          current={editing.kind === 'edit' ? editing.item : undefined}
          onSubmit={
            editing.kind === 'edit' ? save(updateTeam, 'saved') : save(createTeam, 'created')
          }
          onCancel={editor.close}
        />
      ) : null}
      {editing?.kind === 'edit' ? <TeamDetails teamId={editing.item.team_id} /> : null}
      <ResourceList
        resource={teams}
        title="Teams"
        what="teams"
        empty="No teams yet."
        items={(list) => list}
      >
        {(items) => (
          <TeamsTable
            teams={items}
            usage={usage.data}
            onEdit={editor.edit}
            onBlock={(team, blocked) =>
              void editor.rowAction.run(async () => {
                await updateTeam({ team_id: team.team_id, blocked });
                return `Team ${teamLabel(team)} ${blocked ? 'blocked' : 'unblocked'}.`;
              })
            }
            onDelete={(team) =>
              void editor.rowAction.run(async () => {
                const result = await deleteTeam(team.team_id);
                return `Team ${teamLabel(team)} deleted with ${result.deleted_keys.length} key(s).`;
              })
            }
          />
        )}
      </ResourceList>
    </Page>
  );
}
