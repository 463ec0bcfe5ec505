import { useState, type FormEvent } from 'react';
import type { KeyView, TeamView } from '../../api/api.types';
import { Field, SelectField } from '../../components/field';
import { ErrorNotice } from '../../components/notice';
import { governanceDraftOf, keyBody, type Errors, type KeyDraft } from '../../lib/governance-form';
import { useAction } from '../../lib/use-action';
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
  const [draft, setDraft] = useState<KeyDraft>(() => draftOf(current));
  const [errors, setErrors] = useState<Errors>({});
  const save = useAction(onSubmit);
  const set = (field: keyof KeyDraft) => (value: string) => setDraft({ ...draft, [field]: value });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = keyBody(draft, current);
    setErrors(result.errors ?? {});
    if (result.body) await save.run(result.body);
  };

  const title = current ? `Edit key ${current.key_alias ?? current.key_name}` : 'Create a key';
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label={title} noValidate>
      <h2>{title}</h2>
      <ErrorNotice error={save.error} title="The gateway refused" />
      <div className="form-grid">
        <Field
          label="Alias"
          value={draft.alias}
          onChange={set('alias')}
          error={errors.key_alias}
          hint="A unique, readable name."
        />
        <SelectField
          label="Team"
          value={draft.teamId}
          onChange={set('teamId')}
          options={[
            { value: '', label: 'No team' },
            ...teamOptions(teams, current?.team_id ?? null),
          ]}
        />
        <Field
          label={current ? 'New expiry (from now)' : 'Expires after'}
          value={draft.expiresIn}
          onChange={set('expiresIn')}
          error={errors.duration}
          hint={
            current
              ? 'e.g. 30d; empty keeps the current expiry.'
              : 'e.g. 30d; empty: never expires.'
          }
        />
        <GovernanceInputs draft={draft} errors={errors} onChange={setDraft} />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.pending}>
          {current ? 'Save key' : 'Create key'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
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
