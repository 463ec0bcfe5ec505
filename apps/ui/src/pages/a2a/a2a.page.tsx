import { useState } from 'react';
import type { A2aAgent } from '../../api/api.types';
import { listA2aAgents, removeA2aAgent } from '../../api/registry.api';
import { ConfirmButton } from '../../components/confirm-button';
import { DataTable } from '../../components/data-table';
import { Section } from '../../components/page';
import { RegistryPage } from '../../components/registry-page';
import { ResourceList } from '../../components/resource-list';
import { useRegistry } from '../../lib/use-registry';
import { useResource } from '../../lib/use-resource';
import { A2aAgentForm } from './a2a-agent.form';
import { AgentCard } from './agent-card';

export function A2aPage() {
  const agents = useResource('a2a-agents', listA2aAgents);
  const [viewing, setViewing] = useState<string | null>(null);
  const registry = useRegistry('Agent', removeA2aAgent, (removedId) => {
    if (removedId !== undefined && viewing === removedId) setViewing(null);
    agents.reload();
  });
  return (
    <RegistryPage
      title="A2A"
      description="Agents reachable through the gateway and their cards; register and remove agents."
      registerLabel="Register agent"
      registry={registry}
      listError={agents.error}
      offCode="a2a_gateway_disabled"
      flag="A2A_GATEWAY_ENABLED"
      form={
        <A2aAgentForm
          onRegistered={registry.registered}
          onCancel={() => registry.setRegistering(false)}
        />
      }
    >
      <Section title="Agents">
        <ResourceList
          resource={agents}
          title="Agents"
          what="agents"
          empty="No agents registered."
          items={(data) => data.agents}
        >
          {(items) => (
            <AgentsTable
              agents={items}
              onView={setViewing}
              onRemove={(id) => void registry.remove.run(id)}
            />
          )}
        </ResourceList>
      </Section>
      {viewing ? <AgentCard agentId={viewing} onClose={() => setViewing(null)} /> : null}
    </RegistryPage>
  );
}

function AgentsTable(props: {
  readonly agents: readonly A2aAgent[];
  readonly onView: (id: string) => void;
  readonly onRemove: (id: string) => void;
}) {
  return (
    <DataTable
      testId="a2a-agents"
      caption="Registered agents"
      columns={['Agent', 'Protocol', 'Skills', 'Upstream', 'Gateway path', 'Status', 'Actions']}
    >
      {props.agents.map((agent) => (
        <tr key={agent.agent_id}>
          <th scope="row">
            {agent.name}
            <div className="muted mono">{agent.agent_id}</div>
          </th>
          <td>{agent.protocol_version}</td>
          <td>{agent.skills.map((skill) => skill.name).join(', ') || '—'}</td>
          <td className="mono">{agent.url ?? '—'}</td>
          <td className="mono">{agent.gateway_url}</td>
          <td>
            <span className={`badge badge-${agent.enabled ? 'ok' : 'off'}`}>
              {agent.enabled ? 'enabled' : 'disabled'}
            </span>
          </td>
          <td className="row-actions">
            <button
              type="button"
              aria-label={`View card of ${agent.agent_id}`}
              onClick={() => props.onView(agent.agent_id)}
            >
              View card
            </button>
            <ConfirmButton
              label="Remove"
              ariaLabel={`Remove agent ${agent.agent_id}`}
              title={`Remove agent ${agent.name}?`}
              confirmLabel="Remove agent"
              danger
              onConfirm={() => props.onRemove(agent.agent_id)}
            >
              <p>Calls to {agent.gateway_url} fail from now on.</p>
            </ConfirmButton>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
