import { useState, type FormEvent } from 'react';
import type { StrategyStatus } from '../../api/api.types';
import { stageStrategy } from '../../api/routing.api';
import { Field, SelectField } from '../../components/field';
import { ErrorNotice } from '../../components/notice';
import { parseOptionalNumber } from '../../lib/form-validation';
import { useAction } from '../../lib/use-action';
import { MAX_STRATEGY_WEIGHT } from '../../lib/weights';

interface StageFormProps {
  readonly status: StrategyStatus;
  readonly onStaged: (message: string) => void;
}

/** Stages a candidate strategy, optionally with a canary weight. */
export function StageForm({ status, onStaged }: StageFormProps) {
  const candidates = status.strategies.filter((s) => s.name !== status.active);
  const [strategy, setStrategy] = useState(candidates[0]?.name ?? '');
  const [weight, setWeight] = useState('');
  const [error, setError] = useState<string | undefined>();
  const stage = useAction(async (name: string, canary: number | null) => {
    await stageStrategy(name, canary);
    onStaged(`${name} staged${canary ? ` with weight ${canary}` : ''}.`);
  });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const parsed = parseOptionalNumber(weight, { max: MAX_STRATEGY_WEIGHT });
    setError(parsed.ok ? undefined : parsed.error);
    if (parsed.ok && strategy) void stage.run(strategy, parsed.value);
  };

  if (candidates.length === 0) return null;
  return (
    <form onSubmit={submit} aria-label="Stage a strategy" className="inline-form" noValidate>
      <ErrorNotice error={stage.error} title="Not staged" />
      <SelectField
        label="Candidate strategy"
        value={strategy}
        onChange={setStrategy}
        options={candidates.map((s) => ({ value: s.name, label: `${s.name} (${s.state})` }))}
      />
      <Field
        label="Canary weight"
        value={weight}
        onChange={setWeight}
        inputMode="decimal"
        error={error}
        hint="Empty: staged without traffic."
      />
      <button type="submit" disabled={stage.pending}>
        Stage
      </button>
    </form>
  );
}
