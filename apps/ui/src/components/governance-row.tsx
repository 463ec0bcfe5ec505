import type { ReactNode } from 'react';
import type { Governance, SpendReport, SpendTotals } from '../api/api.types';
import { formatNumber, formatUsd, ofLimit } from '../lib/format';
import { ConfirmButton } from './confirm-button';

/** The headings of the columns `GovernanceCells` fills (usage only with a usage report). */
export function governanceColumns(usage: SpendReport | null | undefined): Array<string | false> {
  return ['Models', 'Spend / budget', 'rpm · tpm', Boolean(usage) && 'Requests · tokens'];
}

/** The usage report's rows by `field` (`key_id`, `team_id`). */
export function usageBy(
  usage: SpendReport | null | undefined,
  field: string,
): Map<string, SpendTotals> {
  return new Map(usage?.data.map((row) => [String(row[field]), row]) ?? []);
}

/** A key's or team's models, spend against budget, limits and (with a report) usage. */
export function GovernanceCells(props: {
  readonly item: Governance;
  readonly usage: SpendReport | null | undefined;
  readonly row: SpendTotals | undefined;
}) {
  const { item, row } = props;
  return (
    <>
      <td>{item.models.length ? item.models.join(', ') : 'all'}</td>
      <td>
        {ofLimit(formatUsd(item.spend), item.max_budget, formatUsd)}
        {item.budget_duration ? <div className="muted">per {item.budget_duration}</div> : null}
      </td>
      <td>
        {formatNumber(item.rpm_limit)} · {formatNumber(item.tpm_limit)}
      </td>
      {props.usage ? (
        <td>
          {formatNumber(row?.requests ?? 0)} · {formatNumber(row?.total_tokens ?? 0)}
        </td>
      ) : null}
    </>
  );
}

interface GovernanceActionsProps {
  /** "key" or "team", in the buttons' accessible names ("Edit key ci-bot"). */
  readonly noun: string;
  readonly label: string;
  readonly blocked: boolean;
  readonly onEdit: () => void;
  readonly onBlock: (blocked: boolean) => void;
  readonly onDelete: () => void;
  /** The delete dialog's confirm button and what it warns of. */
  readonly confirmLabel: string;
  readonly warning: ReactNode;
}

/** Edit, block or unblock, and delete (confirmed first): a key's or a team's row actions. */
export function GovernanceActions(props: GovernanceActionsProps) {
  const { noun, label, blocked } = props;
  return (
    <td className="row-actions">
      <button type="button" aria-label={`Edit ${noun} ${label}`} onClick={props.onEdit}>
        Edit
      </button>
      <button
        type="button"
        aria-label={`${blocked ? 'Unblock' : 'Block'} ${noun} ${label}`}
        onClick={() => props.onBlock(!blocked)}
      >
        {blocked ? 'Unblock' : 'Block'}
      </button>
      <ConfirmButton
        label="Delete"
        ariaLabel={`Delete ${noun} ${label}`}
        title={`Delete ${noun} ${label}?`}
        confirmLabel={props.confirmLabel}
        danger
        onConfirm={props.onDelete}
      >
        <p>{props.warning}</p>
      </ConfirmButton>
    </td>
  );
}
