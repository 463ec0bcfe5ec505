import { Field } from '../../components/field';
import type { Errors, GovernanceDraft } from '../../lib/governance-form';
import type { Binding } from '../../lib/use-draft';

interface LimitField {
  readonly field: keyof GovernanceDraft;
  /** The body field its problems are reported under. */
  readonly error: string;
  readonly label: string;
  readonly hint: string;
  readonly inputMode?: 'decimal' | 'numeric';
}

const LIMIT_FIELDS: readonly LimitField[] = [
  {
    field: 'models',
    error: 'models',
    label: 'Models',
    hint: 'Comma-separated model groups; empty allows every model.',
  },
  {
    field: 'maxBudget',
    error: 'max_budget',
    label: 'Max budget (USD)',
    hint: 'Empty: no budget.',
    inputMode: 'decimal',
  },
  {
    field: 'budgetDuration',
    error: 'budget_duration',
    label: 'Budget period',
    hint: 'e.g. 1d, 7d, 1mo, monthly; empty: the budget never resets.',
  },
  {
    field: 'rpmLimit',
    error: 'rpm_limit',
    label: 'Requests per minute',
    hint: 'Empty: unlimited.',
    inputMode: 'numeric',
  },
  {
    field: 'tpmLimit',
    error: 'tpm_limit',
    label: 'Tokens per minute',
    hint: 'Empty: unlimited.',
    inputMode: 'numeric',
  },
];

/** The limit fields keys and teams share. */
export function GovernanceInputs(props: {
  readonly bind: (field: keyof GovernanceDraft) => Binding;
  readonly errors: Errors;
}) {
  return (
    <>
      {LIMIT_FIELDS.map((spec) => (
        <Field
          key={spec.field}
          label={spec.label}
          {...props.bind(spec.field)}
          inputMode={spec.inputMode}
          error={props.errors[spec.error]}
          hint={spec.hint}
        />
      ))}
    </>
  );
}
