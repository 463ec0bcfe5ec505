import type { SpendReport, TeamView } from '../../api/api.types';
import { DataTable } from '../../components/data-table';
import {
  GovernanceActions,
  GovernanceCells,
  governanceColumns,
  usageBy,
} from '../../components/governance-row';

interface TeamsTableProps {
  readonly teams: readonly TeamView[];
  readonly usage: SpendReport | null | undefined;
  readonly onEdit: (team: TeamView) => void;
  readonly onBlock: (team: TeamView, blocked: boolean) => void;
  readonly onDelete: (team: TeamView) => void;
}

export function teamLabel(team: TeamView): string {
  return team.team_alias ?? team.team_id;
}

export function TeamsTable({ teams, usage, onEdit, onBlock, onDelete }: TeamsTableProps) {
  const byTeam = usageBy(usage, 'team_id');
  return (
    <DataTable
      testId="teams-table"
      caption="Teams"
      columns={['Team', ...governanceColumns(usage), 'Status', 'Actions']}
    >
      {teams.map((team) => {
        const label = teamLabel(team);
        return (
          <tr key={team.team_id}>
            <th scope="row">
              {label}
              {team.team_alias ? <div className="muted mono">{team.team_id}</div> : null}
            </th>
            <GovernanceCells item={team} usage={usage} row={byTeam.get(team.team_id)} />
            <td>
              <span className={`badge badge-${team.blocked ? 'bad' : 'ok'}`}>
                {team.blocked ? 'Blocked' : 'Active'}
              </span>
            </td>
            <GovernanceActions
              noun="team"
              label={label}
              blocked={team.blocked}
              onEdit={() => onEdit(team)}
              onBlock={(blocked) => onBlock(team, blocked)}
              onDelete={() => onDelete(team)}
              confirmLabel="Delete team and its keys"
              warning="Every key of this team is deleted with it. This cannot be undone."
            />
          </tr>
        );
      })}
    </DataTable>
  );
}
