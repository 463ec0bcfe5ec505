import { useState, type FormEvent } from 'react';
import type { StrategyStatus } from '../../api/api.types';
import { setStrategyWeights } from '../../api/routing.api';
import { DataTable } from '../../components/data-table';
import { ErrorNotice } from '../../components/notice';
import { formatPercent } from '../../lib/format';
import { useAction } from '../../lib/use-action';
import { parseWeights, shares } from '../../lib/weights';

interface WeightsFormProps {
  readonly status: StrategyStatus;
  readonly onSaved: (message: string) => void;
}

/** The A/B split: one relative weight per strategy; saving replaces every weight. */
export function WeightsForm({ status, onSaved }: WeightsFormProps) {
  const initial = Object.fromEntries(status.strategies.map((s) => [s.name, String(s.weight)]));
  const [typed, setTyped] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useAction(async (weights: Record<string, number>) => {
    await setStrategyWeights(weights);
    onSaved('Weights saved.');
  });
  const parsed = parseWeights(typed);
  const preview = parsed.weights ? shares(parsed.weights) : {};

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const result = parseWeights(typed);
    setErrors(result.errors ?? {});
    if (result.weights) void save.run(result.weights);
  };

  return (
    <form onSubmit={submit} aria-label="A/B weights" noValidate>
      <ErrorNotice error={save.error} title="Weights not saved" />
      {errors[''] ? (
        <p role="alert" className="field-error">
          {errors['']}
        </p>
      ) : null}
      <DataTable
        caption="A/B weights (relative shares of traffic)"
        columns={['Strategy', 'Version', 'State', 'Weight', 'New share', 'Share now', 'Failures']}
      >
        {status.strategies.map((s) => (
          <tr key={s.name}>
            <th scope="row" className="mono">
              {s.name}
            </th>
            <td>{s.version ?? 'not on this replica'}</td>
            <td>
              <span className={`badge badge-${s.state === 'disabled' ? 'off' : 'ok'}`}>
                {s.state}
              </span>
            </td>
            <td>
              <input
                className="weight-input"
                inputMode="decimal"
                aria-label={`Weight of ${s.name}`}
                aria-invalid={errors[s.name] ? true : undefined}
                value={typed[s.name] ?? ''}
                onChange={(event) => setTyped({ ...typed, [s.name]: event.target.value })}
              />
              {errors[s.name] ? <div className="field-error">{errors[s.name]}</div> : null}
            </td>
            <td>{formatPercent(preview[s.name] ?? null)}</td>
            <td>{formatPercent(s.share)}</td>
            <td title={s.last_failure?.reason}>{s.failures}</td>
          </tr>
        ))}
      </DataTable>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.pending}>
          Save weights
        </button>
        <button
          type="button"
          onClick={() => {
            setTyped(initial);
            setErrors({});
          }}
        >
          Reset
        </button>
      </div>
    </form>
  );
}
