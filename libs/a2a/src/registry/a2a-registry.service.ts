import { Injectable, Optional } from '@nestjs/common';
import { CoordinationBus, ReplicatedRegistry, WarmUpRegistry } from '@routeiq/coordination';
import {
  A2aAgentStore,
  type A2aAgentInput,
  type A2aAgentPatch,
  type A2aAgentRecord,
} from '@routeiq/persistence';
import { OutboundUrlGuard } from '@routeiq/security';
import { A2aException } from '../a2a.exception';
import type { A2aAgentDirectory } from './a2a-agent.directory';

/** Published after every write with `{ agentIds }`; every replica reloads those agents. */
export const A2A_REGISTRY_CHANGED_TOPIC = 'a2a.registry.changed';

/**
 * The registered upstream A2A agents, kept on every replica (see ReplicatedRegistry; reloaded on
 * `a2a.registry.changed`). An agent's endpoint and card URLs pass the SSRF guard (else
 * OutboundException `ssrf_blocked`) when it is registered, when either changes and when it is
 * enabled. A missing agent is A2aException `a2a_agent_not_found` (404), a taken id on create
 * `a2a_agent_exists` (409).
 */
@Injectable()
export class A2aRegistryService
  extends ReplicatedRegistry<A2aAgentRecord, A2aAgentInput, A2aAgentPatch>
  implements A2aAgentDirectory
{
  constructor(
    store: A2aAgentStore,
    bus: CoordinationBus,
    private readonly urlGuard: OutboundUrlGuard,
    @Optional() warmUp?: WarmUpRegistry,
  ) {
    super(
      store,
      bus,
      {
        topic: A2A_REGISTRY_CHANGED_TOPIC,
        idsField: 'agentIds',
        noun: 'A2A agent',
        context: 'A2aRegistry',
        warmUpName: 'a2a-registry',
        idOf: (agent) => agent.agentId,
        notFound: (agentId) => A2aException.agentNotFound(agentId),
        exists: (agentId) => A2aException.agentExists(agentId),
      },
      warmUp,
    );
  }

  protected needsVetting(patch: A2aAgentPatch): boolean {
    return patch.url !== undefined || patch.cardUrl !== undefined || patch.enabled === true;
  }

  protected async vet(agent: Pick<A2aAgentRecord, 'url' | 'cardUrl'>): Promise<void> {
    await this.urlGuard.check(agent.url);
    if (agent.cardUrl) await this.urlGuard.check(agent.cardUrl);
  }
}
