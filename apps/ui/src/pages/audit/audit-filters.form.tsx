import { useState, type FormEvent } from 'react';
import { Field, SelectField } from '../../components/field';
import { NO_AUDIT_FILTERS, type AuditFilterDraft } from '../../lib/audit-filters';
import { useDraft } from '../../lib/use-draft';

interface AuditFiltersFormProps {
  /** Applies the filters; answers the problems found, or null. */
  readonly onApply: (draft: AuditFilterDraft) => Record<string, string> | null;
}

export function AuditFiltersForm({ onApply }: AuditFiltersFormProps) {
  const { draft, setDraft, bind } = useDraft<AuditFilterDraft>(NO_AUDIT_FILTERS);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setErrors(onApply(draft) ?? {});
  };
  const clear = (): void => {
    setDraft(NO_AUDIT_FILTERS);
    setErrors(onApply(NO_AUDIT_FILTERS) ?? {});
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Audit filters" noValidate>
      <div className="form-grid">
        <Field
          label="Actor"
          {...bind('actor')}
          hint="admin, master, virtual, system, anonymous, or an actor id."
        />
        <Field label="Action" {...bind('action')} error={errors.action} hint="e.g. key.generate" />
        <Field label="Resource type" {...bind('resourceType')} hint="e.g. key, team, strategy" />
        <SelectField
          label="Outcome"
          {...bind('outcome')}
          options={[
            { value: '', label: 'Any' },
            { value: 'success', label: 'Success' },
            { value: 'failure', label: 'Failure' },
            { value: 'denied', label: 'Denied' },
          ]}
        />
        <Field label="From" type="date" {...bind('since')} error={errors.since} />
        <Field label="To" type="date" {...bind('until')} error={errors.until} />
        <SelectField
          label="Per page"
          {...bind('limit')}
          options={['25', '50', '100', '200'].map((n) => ({ value: n, label: n }))}
        />
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={clear}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
