import { useState, type FormEvent } from 'react';
import { registerA2aAgent } from '../../api/registry.api';
import { AuthInputs } from '../../components/auth-inputs';
import { Field, SelectField } from '../../components/field';
import { ErrorNotice } from '../../components/notice';
import type { Errors } from '../../lib/governance-form';
import { a2aAgentBody, type A2aAgentDraft, type AuthType } from '../../lib/registry-forms';
import { useAction } from '../../lib/use-action';

const EMPTY: A2aAgentDraft = {
  mode: 'card',
  cardUrl: '',
  name: '',
  url: '',
  id: '',
  description: '',
  authType: 'none',
  authValue: '',
  accessGroups: '',
};

interface A2aAgentFormProps {
  readonly onRegistered: (id: string) => void;
  readonly onCancel: () => void;
}

/** Registers an agent from its card URL, or by name and JSON-RPC endpoint. */
export function A2aAgentForm({ onRegistered, onCancel }: A2aAgentFormProps) {
  const [draft, setDraft] = useState<A2aAgentDraft>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const register = useAction(async (body: Record<string, unknown>) => {
    const agent = await registerA2aAgent(body);
    onRegistered(agent.agent_id);
  });
  const set = (field: keyof A2aAgentDraft) => (value: string) =>
    setDraft({ ...draft, [field]: value });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const result = a2aAgentBody(draft);
    setErrors(result.errors ?? {});
    if (result.body) void register.run(result.body);
  };

  const byCard = draft.mode === 'card';
  return (
    <form className="card" onSubmit={submit} aria-label="Register an agent" noValidate>
      <h2>Register an agent</h2>
      <ErrorNotice error={register.error} title="The gateway refused" />
      <div className="form-grid">
        <SelectField
          label="Register by"
          value={draft.mode}
          onChange={set('mode')}
          options={[
            { value: 'card', label: 'Agent card URL' },
            { value: 'endpoint', label: 'Name and endpoint' },
          ]}
        />
        {byCard ? (
          <Field
            label="Agent card URL"
            type="url"
            value={draft.cardUrl}
            onChange={set('cardUrl')}
            error={errors.agent_card_url}
            required
          />
        ) : (
          <>
            <Field
              label="Name"
              value={draft.name}
              onChange={set('name')}
              error={errors.name}
              required
            />
            <Field
              label="Endpoint URL"
              type="url"
              value={draft.url}
              onChange={set('url')}
              error={errors.url}
              required
              hint="The agent's JSON-RPC URL."
            />
          </>
        )}
        <Field
          label="Agent id"
          value={draft.id}
          onChange={set('id')}
          error={errors.agent_id}
          hint="Lower case; empty: derived from the name."
        />
        <Field
          label="Description"
          value={draft.description}
          onChange={set('description')}
          error={errors.description}
        />
        <Field
          label="Access groups"
          value={draft.accessGroups}
          onChange={set('accessGroups')}
          hint="Comma-separated."
        />
        <AuthInputs
          authType={draft.authType}
          authValue={draft.authValue}
          error={errors.auth}
          onChange={(field, value) =>
            setDraft({ ...draft, [field]: field === 'authType' ? (value as AuthType) : value })
          }
        />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={register.pending}>
          Register
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
