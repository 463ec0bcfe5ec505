import { keyInfo } from '../../api/keys.api';
import { ErrorNotice } from '../../components/notice';
import { formatDateTime, formatUsd } from '../../lib/format';
import { useResource } from '../../lib/use-resource';

/** Spend of the key being edited, from `/key/info` (also the spend of its user across keys). */
export function KeyDetails({ token }: { readonly token: string }) {
  const info = useResource(`key-info:${token}`, (signal) => keyInfo(token, signal));
  if (info.error) return <ErrorNotice error={info.error} title="Key info" />;
  const key = info.data?.info;
  if (!key) return null;
  return (
    <dl className="facts card" aria-label="Key spend">
      <dt>Spend</dt>
      <dd>{formatUsd(key.spend)}</dd>
      <dt>Budget</dt>
      <dd>{key.max_budget === null ? 'none' : formatUsd(key.max_budget)}</dd>
      <dt>Budget resets</dt>
      <dd>{formatDateTime(key.budget_reset_at)}</dd>
      <dt>User spend</dt>
      <dd>{key.user_id ? `${formatUsd(key.user_spend)} (user ${key.user_id})` : 'no user'}</dd>
      <dt>Created</dt>
      <dd>{formatDateTime(key.created_at)}</dd>
    </dl>
  );
}
