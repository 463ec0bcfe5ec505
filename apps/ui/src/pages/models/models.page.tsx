import { gatewayJson } from '../../api/gateway-client';
import type { DeploymentRow, ModelList, RouterInfo } from '../../api/api.types';
import { DataTable } from '../../components/data-table';
import { ErrorNotice, Loading } from '../../components/notice';
import { Page, Section } from '../../components/page';
import { UserKeyGate } from '../../components/user-key-gate';
import { formatDateTime, formatMs, formatNumber } from '../../lib/format';
import { useResource } from '../../lib/use-resource';
import { PlaygroundPanel } from './playground.panel';

interface ModelsData {
  readonly info: RouterInfo;
  readonly models: ModelList;
}

const loadModels = async (signal: AbortSignal): Promise<ModelsData> => {
  const [info, models] = await Promise.all([
    gatewayJson<RouterInfo>('/router/info', { auth: 'user', signal }),
    gatewayJson<ModelList>('/v1/models', { auth: 'user', signal }),
  ]);
  return { info, models };
};

export function ModelsPage() {
  return (
    <Page
      title="Models"
      description="Model groups, their deployments and live health (this replica's view), and a playground."
    >
      <UserKeyGate purpose="the model groups and their live health (GET /router/info, /v1/models)">
        <ModelGroups />
      </UserKeyGate>
    </Page>
  );
}

function ModelGroups() {
  const { data, error, loading, reload } = useResource('models', loadModels);
  return (
    <>
      <ErrorNotice error={error} title="Models" />
      {loading && !data ? <Loading what="model groups" /> : null}
      {data ? (
        <>
          <Section
            title="Model groups"
            actions={
              <button type="button" onClick={reload} disabled={loading}>
                Refresh
              </button>
            }
          >
            <p className="muted">
              Strategy <strong>{data.info.routing_strategy}</strong>, {data.info.num_retries}{' '}
              retries. {aliasText(data.info.model_group_alias)}
            </p>
            {data.info.model_groups.map((group) => (
              <DeploymentTable
                key={group.model_name}
                name={group.model_name}
                candidates={group.candidate_groups}
                fallbacks={data.info.fallbacks[group.model_name]}
                deployments={group.deployments}
              />
            ))}
          </Section>
          <PlaygroundPanel models={data.models.data.map((model) => model.id)} />
        </>
      ) : null}
    </>
  );
}

function aliasText(aliases: Record<string, string>): string {
  const entries = Object.entries(aliases);
  if (entries.length === 0) return '';
  return `Aliases: ${entries.map(([alias, group]) => `${alias} → ${group}`).join(', ')}.`;
}

function DeploymentTable(props: {
  readonly name: string;
  readonly candidates: readonly string[] | undefined;
  readonly fallbacks: readonly string[] | undefined;
  readonly deployments: readonly DeploymentRow[];
}) {
  return (
    <DataTable
      testId={`model-group-${props.name}`}
      caption={
        <>
          {props.name}
          {props.candidates ? ` (router alias over ${props.candidates.join(', ')})` : ''}
          {props.fallbacks?.length ? ` · falls back to ${props.fallbacks.join(', ')}` : ''}
        </>
      }
      columns={[
        'Deployment',
        'Provider / model',
        'API base',
        'Weight · rpm · tpm',
        'Breaker',
        'Cooldown until',
        'In flight',
        'Latency · TTFT',
      ]}
    >
      {props.deployments.map((d) => (
        <tr key={d.id}>
          <th scope="row" className="mono">
            {d.id}
          </th>
          <td>
            {d.provider} / {d.model}
          </td>
          <td className="mono">{d.api_base}</td>
          <td>
            {formatNumber(d.weight)} · {formatNumber(d.rpm)} · {formatNumber(d.tpm)}
          </td>
          <td>
            <span className={`badge badge-${d.health.circuit === 'closed' ? 'ok' : 'bad'}`}>
              {d.health.circuit}
            </span>
          </td>
          <td>
            {d.health.cooldown_until ? formatDateTime(d.health.cooldown_until) : 'not cooling down'}
          </td>
          <td>{formatNumber(d.health.in_flight)}</td>
          <td>
            {formatMs(d.health.latency_ms)} · {formatMs(d.health.ttft_ms)}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
