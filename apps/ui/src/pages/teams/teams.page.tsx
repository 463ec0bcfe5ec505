import { useState } from 'react';
import type { TeamView } from '../../api/api.types';
import { createTeam, deleteTeam, listTeams, updateTeam, usageReport } from '../../api/keys.api';
import { ErrorNotice, InfoNotice, Loading, StatusMessage } from '../../components/notice';
import { Page } from '../../components/page';
import { useAction } from '../../lib/use-action';
import { useResource } from '../../lib/use-resource';
import { TeamDetails } from './team-details';
import { TeamForm } from './team-form';
import { teamLabel, TeamsTable } from './teams-table';

type Editing = { kind: 'create' } | { kind: 'edit'; team: TeamView } | null;

export function TeamsPage() {
  const teams = useResource('teams', listTeams);
  const usage = useResource('usage:team', (signal) => usageReport('team', signal));
  const [editing, setEditing] = useState<Editing>(null);
  const [status, setStatus] = useState('');
  const action = useAction(async (run: () => Promise<string>) => {
    setStatus(await run());
    teams.reload();
  });
  const save =
    (write: (body: Record<string, unknown>) => Promise<TeamView>, verb: string) =>
    async (body: Record<string, unknown>): Promise<void> => {
      const team = await write(body);
      setEditing(null);
      setStatus(`Team ${teamLabel(team)} ${verb}.`);
      teams.reload();
    };

  return (
    <Page
      title="Teams"
      description="A team's models, budget and limits bind every key in it; blocking a team blocks its keys."
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
          Create team
        </button>
      }
    >
      <StatusMessage>{status}</StatusMessage>
      <ErrorNotice error={action.error} title="The gateway refused" />
      {editing ? (
        <TeamForm
          key={editing.kind === 'edit' ? editing.team.team_id : 'new'}
          current={editing.kind === 'edit' ? editing.team : undefined}
          onSubmit={
            editing.kind === 'edit' ? save(updateTeam, 'saved') : save(createTeam, 'created')
          }
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {editing?.kind === 'edit' ? <TeamDetails teamId={editing.team.team_id} /> : null}
      <ErrorNotice error={teams.error} title="Teams" />
      {teams.loading && !teams.data ? <Loading what="teams" /> : null}
      {teams.data?.length === 0 ? <InfoNotice>No teams yet.</InfoNotice> : null}
      {teams.data?.length ? (
        <TeamsTable
          teams={teams.data}
          usage={usage.data}
          onEdit={(team) => setEditing({ kind: 'edit', team })}
          onBlock={(team, blocked) =>
            void action.run(async () => {
              await updateTeam({ team_id: team.team_id, blocked });
              return `Team ${teamLabel(team)} ${blocked ? 'blocked' : 'unblocked'}.`;
            })
          }
          onDelete={(team) =>
            void action.run(async () => {
              const result = await deleteTeam(team.team_id);
              return `Team ${teamLabel(team)} deleted with ${result.deleted_keys.length} key(s).`;
            })
          }
        />
      ) : null}
    </Page>
  );
}
