import { useState } from 'react';
import {
  effectiveConfig,
  readiness,
  reloadConfig,
  reloadRouter,
  syncStatus,
} from '../../api/settings.api';
import { ErrorNotice, Loading, StatusMessage } from '../../components/notice';
import { JsonBlock, Page, Section } from '../../components/page';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/use-action';
import { useResource } from '../../lib/use-resource';

export function SettingsPage() {
  const config = useResource('effective-config', effectiveConfig);
  const [status, setStatus] = useState('');
  const reload = useAction(async (which: 'config' | 'router') => {
    if (which === 'config') {
      const result = await reloadConfig();
      const warnings = result.warnings.length ? ` Warnings: ${result.warnings.join('; ')}` : '';
      setStatus(
        `Config reloaded: generation ${result.generation}, ${result.models} deployment(s).${warnings}`,
      );
    } else {
      await reloadRouter();
      setStatus('Router reloaded on every replica (config, strategies, learned-router artifacts).');
    }
    config.reload();
  });
  const data = config.data;
  return (
    <Page
      title="Settings"
      description="The live configuration (secrets and environment values masked), reloads, and this replica's state."
      actions={
        <>
          <button
            type="button"
            className="primary"
            disabled={reload.pending}
            onClick={() => void reload.run('config')}
          >
            Reload config
          </button>
          <button type="button" disabled={reload.pending} onClick={() => void reload.run('router')}>
            Reload router
          </button>
        </>
      }
    >
      <StatusMessage>{status}</StatusMessage>
      <ErrorNotice error={reload.error} title="Reload refused" />
      <Section title="Effective config">
        <ErrorNotice error={config.error} title="Config" />
        {config.loading && !data ? <Loading what="the config" /> : null}
        {data ? (
          <>
            <dl className="facts" data-testid="config-facts">
              <dt>Generation</dt>
              <dd>{data.generation}</dd>
              <dt>Loaded</dt>
              <dd>{formatDateTime(data.loaded_at)}</dd>
              <dt>File</dt>
              <dd className="mono">{data.source_path}</dd>
            </dl>
            <JsonBlock value={data.config} label="Effective config" />
          </>
        ) : null}
      </Section>
      <ReplicaPanel />
    </Page>
  );
}

function ReplicaPanel() {
  const sync = useResource('sync-status', syncStatus);
  const ready = useResource('readiness', readiness);
  return (
    <Section title="This replica">
      <ErrorNotice error={sync.error} title="Sync status" />
      {sync.data ? (
        <dl className="facts">
          <dt>Instance</dt>
          <dd className="mono">{sync.data.instance_id}</dd>
          <dt>Role</dt>
          <dd>
            {sync.data.role} ({sync.data.ha_mode})
          </dd>
          <dt>Leader</dt>
          <dd className="mono">{sync.data.leader?.instance_id ?? '—'}</dd>
          <dt>Redis</dt>
          <dd>{sync.data.redis}</dd>
        </dl>
      ) : null}
      <ErrorNotice error={ready.error} title="Readiness" />
      {ready.data ? <ReadinessChecks report={ready.data} /> : null}
    </Section>
  );
}

/** Terminus' `{ status, details: { check: { status, message? } } }`, one line per check. */
function ReadinessChecks({ report }: { readonly report: Record<string, unknown> }) {
  const details = (report.details ?? {}) as Record<string, { status?: string; message?: string }>;
  const ready = report.status === 'ok';
  return (
    <>
      <h3>
        Readiness:{' '}
        <span className={`badge badge-${ready ? 'ok' : 'bad'}`}>
          {ready ? 'ready' : 'not ready'}
        </span>
      </h3>
      <dl className="facts" aria-label="Readiness checks">
        {Object.entries(details).map(([name, check]) => (
          <div key={name} className="fact-row">
            <dt>{name}</dt>
            <dd>
              {check.status ?? '—'}
              {check.message ? ` (${check.message})` : ''}
            </dd>
          </div>
        ))}
      </dl>
    </>
  );
}
