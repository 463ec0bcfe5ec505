import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { a2aAccessOf, mayCallAgent } from '../access/a2a-agent-access';
import { A2aConfig } from '../a2a.config';
import { A2aException } from '../a2a.exception';
import { A2aAgentDirectory } from '../registry/a2a-agent.directory';
import { gatewayAgentCard, gatewayBaseUrl, rewriteAgentCard } from './a2a-card.rewriter';

/** Serves agent cards as callers see them: rewritten to the gateway, disabled agents hidden. */
@Injectable()
export class A2aCardService {
  constructor(
    private readonly config: A2aConfig,
    private readonly directory: A2aAgentDirectory,
  ) {}

  /** @throws A2aException `a2a_agent_not_found` for an unknown or disabled agent. */
  agentCard(agentId: string, req: GatewayRequest): Record<string, unknown> {
    const agent = this.directory.get(agentId);
    if (!agent?.enabled) throw A2aException.agentNotFound(agentId);
    return rewriteAgentCard(agent, gatewayBaseUrl(this.config.baseUrl, req));
  }

  /**
   * The gateway's card. Its skills are the agents the caller may call: none without a key (the
   * card is public, the registry is not), every enabled one for an admin or the master key.
   */
  gatewayCard(req: GatewayRequest): Record<string, unknown> {
    const base = gatewayBaseUrl(this.config.baseUrl, req);
    if (req.principal === undefined) return gatewayAgentCard([], base, false);
    const access = a2aAccessOf(req);
    const agents = this.directory.list().filter((agent) => mayCallAgent(access, agent));
    return gatewayAgentCard(agents, base, true);
  }
}
