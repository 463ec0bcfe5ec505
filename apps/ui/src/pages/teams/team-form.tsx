import type { TeamView } from '../../api/api.types';
import { Field } from '../../components/field';
import { FormCard } from '../../components/form-card';
import { governanceDraftOf, teamBody, type TeamDraft } from '../../lib/governance-form';
import { useBodyForm } from '../../lib/use-body-form';
import { GovernanceInputs } from '../keys/governance-inputs';

interface TeamFormProps {
  readonly current?: TeamView;
  readonly onSubmit: (body: Record<string, unknown>) => Promise<unknown>;
  readonly onCancel: () => void;
}

/** Creates a team or edits its alias, models, budget and limits (which bind all its keys). */
export function TeamForm({ current, onSubmit, onCancel }: TeamFormProps) {
  const form = useBodyForm<TeamDraft>(
    () => ({
      ...governanceDraftOf(current),
      teamId: current?.team_id ?? '',
      alias: current?.team_alias ?? '',
    }),
    (draft) => teamBody(draft, current),
    onSubmit,
  );
  const { bind, errors } = form;
  return (
    <FormCard
      title={current ? `Edit team ${current.team_alias ?? current.team_id}` : 'Create a team'}
      submitLabel={current ? 'Save team' : 'Create team'}
      onSubmit={form.submit}
      onCancel={onCancel}
      pending={form.pending}
      error={form.error}
    >
      {current ? null : (
        <Field
          label="Team id"
          {...bind('teamId')}
          error={errors.team_id}
          hint="Letters, digits and . _ : @ + - /; empty: a random id."
        />
      )}
      <Field label="Team alias" {...bind('alias')} error={errors.team_alias} />
      <GovernanceInputs bind={bind} errors={errors} />
    </FormCard>
  );
}
