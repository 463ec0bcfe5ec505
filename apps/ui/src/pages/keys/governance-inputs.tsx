import { Field } from '../../components/field';
import type { Errors, GovernanceDraft } from '../../lib/governance-form';

interface GovernanceInputsProps<T extends GovernanceDraft> {
  readonly draft: T;
  readonly errors: Errors;
  readonly onChange: (draft: T) => void;
}

/** The limit fields keys and teams share. */
export function GovernanceInputs<T extends GovernanceDraft>({
  draft,
  errors,
  onChange,
}: GovernanceInputsProps<T>) {
  const set = (field: keyof GovernanceDraft) => (value: string) =>
    onChange({ ...draft, [field]: value });
  return (
    <>
      <Field
        label="Models"
        value={draft.models}
        onChange={set('models')}
        error={errors.models}
        hint="Comma-separated model groups; empty allows every model."
      />
      <Field
        label="Max budget (USD)"
        value={draft.maxBudget}
        onChange={set('maxBudget')}
        inputMode="decimal"
        error={errors.max_budget}
        hint="Empty: no budget."
      />
      <Field
        label="Budget period"
        value={draft.budgetDuration}
        onChange={set('budgetDuration')}
        error={errors.budget_duration}
        hint="e.g. 1d, 7d, 1mo, monthly; empty: the budget never resets."
      />
      <Field
        label="Requests per minute"
        value={draft.rpmLimit}
        onChange={set('rpmLimit')}
        inputMode="numeric"
        error={errors.rpm_limit}
        hint="Empty: unlimited."
      />
      <Field
        label="Tokens per minute"
        value={draft.tpmLimit}
        onChange={set('tpmLimit')}
        inputMode="numeric"
        error={errors.tpm_limit}
        hint="Empty: unlimited."
      />
    </>
  );
}
