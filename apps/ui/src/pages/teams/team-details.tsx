import { teamInfo } from '../../api/keys.api';
import { ErrorNotice } from '../../components/notice';
import { formatDateTime, formatUsd } from '../../lib/format';
import { useResource } from '../../lib/use-resource';

/** The team being edited: spend and its keys, from `/team/info`. */
export function TeamDetails({ teamId }: { readonly teamId: string }) {
  const info = useResource(`team-info:${teamId}`, (signal) => teamInfo(teamId, signal));
  if (info.error) return <ErrorNotice error={info.error} title="Team info" />;
  if (!info.data) return null;
  const { team_info: team, keys } = info.data;
  return (
    <div className="card">
      <dl className="facts" aria-label="Team spend">
        <dt>Spend</dt>
        <dd>{formatUsd(team.spend)}</dd>
        <dt>Budget resets</dt>
        <dd>{formatDateTime(team.budget_reset_at)}</dd>
        <dt>Keys</dt>
        <dd>
          {keys.length === 0 ? 'none' : keys.map((key) => key.key_alias ?? key.key_name).join(', ')}
        </dd>
      </dl>
    </div>
  );
}
