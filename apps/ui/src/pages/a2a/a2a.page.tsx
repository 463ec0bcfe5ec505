import { useState } from 'react';
import type { A2aAgent } from '../../api/api.types';
import { GatewayError } from '../../api/gateway-error';
import { listA2aAgents, removeA2aAgent } from '../../api/registry.api';
import { ConfirmButton } from '../../components/confirm-button';
import { ErrorNotice, InfoNotice, Loading, StatusMessage } from '../../components/notice';
import { Page, Section } from '../../components/page';
import { useAction } from '../../lib/use-action';
import { useResource } from '../../lib/use-resource';
import { A2aAgentForm } from './a2a-agent.form';
import { AgentCard } from './agent-card';

export function A2aPage() {
  const agents = useResource('a2a-agents', listA2aAgents);
  const [registering, setRegistering] = useState(false);
  const [viewing, setViewing] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const remove = useAction(async (id: string) => {
    await removeA2aAgent(id);
    setStatus(`Agent ${id} removed.`);
    if (viewing === id) setViewing(null);
    agents.reload();
  });
  const disabled =
    agents.error instanceof GatewayError && agents.error.code === 'a2a_gateway_disabled';
  return (
    <Page
      title="A2A"
      description="Agents reachable through the gateway and their cards; register and remove agents."
      actions={
        disabled ? null : (
          <button
            type="button"
            className="primary"
            aria-expanded={registering}
            onClick={() => setRegistering(true)}
          >
            Register agent
          </button>
        )
      }
    >
      {disabled ? (
        <InfoNotice>
          The A2A gateway is off on this gateway. <code>A2A_GATEWAY_ENABLED=true</code> turns it on.
        </InfoNotice>
      ) : (
        <>
          <StatusMessage>{status}</StatusMessage>
          <ErrorNotice error={remove.error} title="Not removed" />
          {registering ? (
            <A2aAgentForm
              onRegistered={(id) => {
                setRegistering(false);
                setStatus(`Agent ${id} registered.`);
                agents.reload();
              }}
              onCancel={() => setRegistering(false)}
            />
          ) : null}
          <Section title="Agents">
            <ErrorNotice error={agents.error} title="Agents" />
            {agents.loading && !agents.data ? <Loading what="agents" /> : null}
            {agents.data?.agents.length === 0 ? (
              <InfoNotice>No agents registered.</InfoNotice>
            ) : null}
            {agents.data?.agents.length ? (
              <AgentsTable
                agents={agents.data.agents}
                onView={setViewing}
                onRemove={(id) => void remove.run(id)}
              />
            ) : null}
          </Section>
          {viewing ? <AgentCard agentId={viewing} onClose={() => setViewing(null)} /> : null}
        </>
      )}
    </Page>
  );
}

function AgentsTable(props: {
  readonly agents: readonly A2aAgent[];
  readonly onView: (id: string) => void;
  readonly onRemove: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table data-testid="a2a-agents">
        <caption>Registered agents</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Protocol</th>
            <th scope="col">Skills</th>
            <th scope="col">Upstream</th>
            <th scope="col">Gateway path</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}
