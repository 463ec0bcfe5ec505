import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { A2aAgentDirectory } from '../registry/a2a-agent.directory';
import { assertMayCallAgent } from './a2a-agent-access';

type RouteRequest = GatewayRequest & { params?: Record<string, string | undefined> };

/**
 * For routes about one agent (`:id`): `403 a2a_agent_access_denied` when the caller's key or team
 * may not call it. Unknown ids pass, for the route to answer its own 404.
 */
@Injectable()
export class A2aAgentAccessGuard implements CanActivate {
  constructor(private readonly directory: A2aAgentDirectory) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<RouteRequest>();
    const agentId = req.params?.id;
    const agent = agentId === undefined ? undefined : this.directory.get(agentId);
    if (agent) assertMayCallAgent(req, agent);
    return true;
  }
}
