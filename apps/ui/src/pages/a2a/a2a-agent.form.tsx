import { registerA2aAgent } from '../../api/registry.api';
import { Field, SelectField } from '../../components/field';
import { FormCard } from '../../components/form-card';
import { RegistryInputs } from '../../components/registry-inputs';
import { a2aAgentBody, type A2aAgentDraft } from '../../lib/registry-forms';
import { useBodyForm } from '../../lib/use-body-form';

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
  const form = useBodyForm(EMPTY, a2aAgentBody, async (body) => {
    const agent = await registerA2aAgent(body);
    onRegistered(agent.agent_id);
  });
  const { bind, errors } = form;
  return (
    <FormCard
      title="Register an agent"
      submitLabel="Register"
      onSubmit={form.submit}
      onCancel={onCancel}
      pending={form.pending}
      error={form.error}
    >
      <SelectField
        label="Register by"
        {...bind('mode')}
        options={[
          { value: 'card', label: 'Agent card URL' },
          { value: 'endpoint', label: 'Name and endpoint' },
        ]}
      />
      {form.draft.mode === 'card' ? (
        <Field
          label="Agent card URL"
          type="url"
          {...bind('cardUrl')}
          error={errors.agent_card_url}
          required
        />
      ) : (
        <>
          <Field label="Name" {...bind('name')} error={errors.name} required />
          <Field
            label="Endpoint URL"
            type="url"
            {...bind('url')}
            error={errors.url}
            required
            hint="The agent's JSON-RPC URL."
          />
        </>
      )}
      <Field
        label="Agent id"
        {...bind('id')}
        error={errors.agent_id}
        hint="Lower case; empty: derived from the name."
      />
      <RegistryInputs bind={bind} errors={errors} />
    </FormCard>
  );
}
