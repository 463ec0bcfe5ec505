import type { KeyView, TeamView } from '../../api/api.types';
import { Field, SelectField } from '../../components/field';
import { FormCard } from '../../components/form-card';
import { governanceDraftOf, keyBody, type KeyDraft } from '../../lib/governance-form';
import { useBodyForm } from '../../lib/use-body-form';
import { GovernanceInputs } from './governance-inputs';

interface KeyFormProps {
  /** The key being edited; absent for a new key. */
  readonly current?: KeyView;
  readonly teams: readonly TeamView[];
  readonly onSubmit: (body: Record<string, unknown>) => Promise<unknown>;
  readonly onCancel: () => void;
}

function draftOf(current?: KeyView): KeyDraft {
  return {
    ...governanceDraftOf(current),
    alias: current?.key_alias ?? '',
    teamId: current?.team_id ?? '',
    expiresIn: '',
  };
}

/** Creates a key or edits one's alias, team, models, budget and limits. */
export function KeyForm({ current, teams, onSubmit, onCancel }: KeyFormProps) {
  const form = useBodyForm(
    () => draftOf(current),
    (draft) => keyBody(draft, current),
    onSubmit,
  );
  const { bind, errors } = form;
  return (
    <FormCard
      title={current ? `Edit key ${current.key_alias ?? current.key_name}` : 'Create a key'}
      submitLabel={current ? 'Save key' : 'Create key'}
      onSubmit={form.submit}
      onCancel={onCancel}
      pending={form.pending}
      error={form.error}
    >
      <Field
        label="Alias"
        {...bind('alias')}
        error={errors.key_alias}
        hint="A unique, readable name."
      />
      <SelectField
        label="Team"
        {...bind('teamId')}
        options={[{ value: '', label: 'No team' }, ...teamOptions(teams, current?.team_id ?? null)]}
      />
      <Field
        label={current ? 'New expiry (from now)' : 'Expires after'}
        {...bind('expiresIn')}
        error={errors.duration}
        hint={
          current ? 'e.g. 30d; empty keeps the current expiry.' : 'e.g. 30d; empty: never expires.'
        }
      />
      <GovernanceInputs bind={bind} errors={errors} />
    </FormCard>
  );
}

/** Every team, plus the key's own team should it be missing from the list. */
function teamOptions(
  teams: readonly TeamView[],
  own: string | null,
): Array<{ value: string; label: string }> {
  const options = teams.map((team) => ({
    value: team.team_id,
    label: team.team_alias ?? team.team_id,
  }));
  if (own !== null && !teams.some((team) => team.team_id === own))
    options.push({ value: own, label: own });
  return options;
}
