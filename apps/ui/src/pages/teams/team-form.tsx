import { useState, type FormEvent } from 'react';
import type { TeamView } from '../../api/api.types';
import { Field } from '../../components/field';
import { ErrorNotice } from '../../components/notice';
import {
  governanceDraftOf,
  teamBody,
  type Errors,
  type TeamDraft,
} from '../../lib/governance-form';
import { useAction } from '../../lib/use-action';
import { GovernanceInputs } from '../keys/governance-inputs';

interface TeamFormProps {
  readonly current?: TeamView;
  readonly onSubmit: (body: Record<string, unknown>) => Promise<unknown>;
  readonly onCancel: () => void;
}

/** Creates a team or edits its alias, models, budget and limits (which bind all its keys). */
export function TeamForm({ current, onSubmit, onCancel }: TeamFormProps) {
  const [draft, setDraft] = useState<TeamDraft>(() => ({
    ...governanceDraftOf(current),
    teamId: current?.team_id ?? '',
    alias: current?.team_alias ?? '',
  }));
  const [errors, setErrors] = useState<Errors>({});
  const save = useAction(onSubmit);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = teamBody(draft, current);
    setErrors(result.errors ?? {});
    if (result.body) await save.run(result.body);
  };

  const title = current ? `Edit team ${current.team_alias ?? current.team_id}` : 'Create a team';
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label={title} noValidate>
      <h2>{title}</h2>
      <ErrorNotice error={save.error} title="The gateway refused" />
      <div className="form-grid">
        {current ? null : (
          <Field
            label="Team id"
            value={draft.teamId}
            onChange={(teamId) => setDraft({ ...draft, teamId })}
            error={errors.team_id}
            hint="Letters, digits and . _ : @ + - /; empty: a random id."
          />
        )}
        <Field
          label="Team alias"
          value={draft.alias}
          onChange={(alias) => setDraft({ ...draft, alias })}
          error={errors.team_alias}
        />
        <GovernanceInputs draft={draft} errors={errors} onChange={setDraft} />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.pending}>
          {current ? 'Save team' : 'Create team'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
