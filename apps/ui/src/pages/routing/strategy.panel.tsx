import { useState } from 'react';
import type { StrategyStatus } from '../../api/api.types';
import { promoteStrategy, rollbackStrategy, strategyStatus } from '../../api/routing.api';
import { ConfirmButton } from '../../components/confirm-button';
import { ErrorNotice, Loading, StatusMessage } from '../../components/notice';
import { Section } from '../../components/page';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/use-action';
import { useResource } from '../../lib/use-resource';
import { StageForm } from './stage.form';
import { WeightsForm } from './weights.form';

/** The registry: who is active and why, the traffic split, and the release actions. */
export function StrategyPanel() {
  const status = useResource('strategy-status', strategyStatus);
  const [message, setMessage] = useState('');
  const change = useAction(async (run: () => Promise<StrategyStatus>, done: string) => {
    await run();
    setMessage(done);
    status.reload();
  });
  const data = status.data;
  if (!data)
    return status.error ? (
      <ErrorNotice error={status.error} title="Strategies" />
    ) : (
      <Loading what="strategies" />
    );
  const staged = data.strategies.filter((s) => s.state === 'staged');
  return (
    <Section
      title="Strategies"
      actions={
        <button type="button" onClick={status.reload}>
          Refresh
        </button>
      }
    >
      <dl className="facts" data-testid="strategy-facts">
        <dt>Active</dt>
        <dd>
          <strong>{data.active}</strong> (
          {data.active_source === 'config' ? 'from the config' : 'chosen by an operator'})
        </dd>
        <dt>Configured</dt>
        <dd>{data.configured}</dd>
        <dt>Rollback target</dt>
        <dd>{data.rollback_target ?? 'none'}</dd>
        <dt>Experiment</dt>
        <dd>
          {data.experiment
            ? `${data.experiment.id} (${Object.entries(data.experiment.variants)
                .map(([v, s]) => `${v}: ${s}`)
                .join(', ')})`
            : 'none'}
        </dd>
        <dt>Revision</dt>
        <dd>
          {data.revision}, {formatDateTime(data.updated_at)}
        </dd>
      </dl>
      <StatusMessage>{message}</StatusMessage>
      <ErrorNotice error={change.error} title="The gateway refused" />
      <WeightsForm
        key={`w${data.revision}`}
        status={data}
        onSaved={(done) => {
          setMessage(done);
          status.reload();
        }}
      />
      <StageForm
        key={`s${data.revision}`}
        status={data}
        onStaged={(done) => {
          setMessage(done);
          status.reload();
        }}
      />
      <div className="actions">
        {staged.map((s) => (
          <ConfirmButton
            key={s.name}
            label={`Promote ${s.name}`}
            title={`Promote ${s.name}?`}
            confirmLabel="Promote"
            onConfirm={() =>
              change.run(
                () => promoteStrategy(s.name),
                `${s.name} promoted: it is now the active strategy.`,
              )
            }
          >
            <p>
              {s.name} becomes the active strategy and takes all traffic; {data.active} can be
              restored with a rollback.
            </p>
          </ConfirmButton>
        ))}
        <ConfirmButton
          label="Roll back"
          title={`Roll back to ${data.rollback_target ?? '—'}?`}
          confirmLabel="Roll back"
          danger
          disabled={data.rollback_target === null}
          onConfirm={() =>
            change.run(rollbackStrategy, `Rolled back to ${data.rollback_target ?? ''}.`)
          }
        >
          <p>The active strategy before the last promotion comes back and takes all traffic.</p>
        </ConfirmButton>
      </div>
    </Section>
  );
}
