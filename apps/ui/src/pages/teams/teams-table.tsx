import type { SpendReport, TeamView } from '../../api/api.types';
import { ConfirmButton } from '../../components/confirm-button';
import { formatNumber, formatUsd, ofLimit } from '../../lib/format';

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
  const byTeam = new Map(usage?.data.map((row) => [String(row.team_id), row]) ?? []);
  return (
    <div className="table-wrap">
      <table data-testid="teams-table">
        <caption>Teams</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Models</th>
            <th scope="col">Spend / budget</th>
            <th scope="col">rpm · tpm</th>
            {usage ? <th scope="col">Requests · tokens</th> : null}
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((team) => {
            const label = teamLabel(team);
            const row = byTeam.get(team.team_id);
            return (
              <tr key={team.team_id}>
                <th scope="row">
                  {label}
                  {team.team_alias ? <div className="muted mono">{team.team_id}</div> : null}
                </th>
                <td>{team.models.length ? team.models.join(', ') : 'all'}</td>
                <td>
                  {ofLimit(formatUsd(team.spend), team.max_budget, formatUsd)}
                  {team.budget_duration ? (
                    <div className="muted">per {team.budget_duration}</div>
                  ) : null}
                </td>
                <td>
                  {formatNumber(team.rpm_limit)} · {formatNumber(team.tpm_limit)}
                </td>
                {usage ? (
                  <td>
                    {formatNumber(row?.requests ?? 0)} · {formatNumber(row?.total_tokens ?? 0)}
                  </td>
                ) : null}
                <td>
                  <span className={`badge badge-${team.blocked ? 'bad' : 'ok'}`}>
                    {team.blocked ? 'Blocked' : 'Active'}
                  </span>
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={`Edit team ${label}`}
                    onClick={() => onEdit(team)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    aria-label={`${team.blocked ? 'Unblock' : 'Block'} team ${label}`}
                    onClick={() => onBlock(team, !team.blocked)}
                  >
                    {team.blocked ? 'Unblock' : 'Block'}
                  </button>
                  <ConfirmButton
                    label="Delete"
                    ariaLabel={`Delete team ${label}`}
                    title={`Delete team ${label}?`}
                    confirmLabel="Delete team and its keys"
                    danger
                    onConfirm={() => onDelete(team)}
                  >
                    <p>Every key of this team is deleted with it. This cannot be undone.</p>
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
