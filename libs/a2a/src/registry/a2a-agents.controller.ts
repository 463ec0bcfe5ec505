import { Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  Audited,
  JsonBody,
  RequirePermission,
  type GatewayRequest,
  UserOrAdmin,
} from '@routeiq/common';
import { A2A_AGENT_WRITE_PERMISSION, A2aAgentAdminService } from './a2a-agent-admin.service';
import type { A2aAgentAdminView, A2aAgentView } from './a2a-agent.view';

interface AgentList {
  agents: A2aAgentView[];
  total_count: number;
}

/**
 * The A2A agent registry. Reads need a user key and show only the agents it may call; writes an
 * admin key or `a2a.agent.write`.
 */
@UserOrAdmin()
@Controller('a2a/agents')
export class A2aAgentsController {
  constructor(private readonly admin: A2aAgentAdminService) {}

  @Get()
  list(@Req() req: GatewayRequest, @Query('capability') capability?: unknown): AgentList {
    const agents = this.admin.list(req, typeof capability === 'string' ? capability : undefined);
    return { agents, total_count: agents.length };
  }

  @RequirePermission(A2A_AGENT_WRITE_PERMISSION)
  @Audited('a2a.agent.add', 'a2a_agent')
  @Post()
  @HttpCode(201)
  create(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<A2aAgentAdminView> {
    return this.admin.register(body, req);
  }

  /** 403 `a2a_agent_access_denied` for an agent the caller's key may not call. */
  @Get(':id')
  get(@Param('id') id: string, @Req() req: GatewayRequest): A2aAgentView {
    return this.admin.get(id, req);
  }

  @RequirePermission(A2A_AGENT_WRITE_PERMISSION)
  @Audited('a2a.agent.update', 'a2a_agent')
  @Put(':id')
  @HttpCode(200)
  update(
    @Param('id') id: string,
    @JsonBody() body: unknown,
    @Req() req: GatewayRequest,
  ): Promise<A2aAgentAdminView> {
    return this.admin.update(id, body, req);
  }

  @RequirePermission(A2A_AGENT_WRITE_PERMISSION)
  @Audited('a2a.agent.delete', 'a2a_agent')
  @Delete(':id')
  @HttpCode(200)
  delete(@Param('id') id: string, @Req() req: GatewayRequest): Promise<DeletedAgent> {
    return this.admin.delete(id, req);
  }
}

type DeletedAgent = { deleted: true; agent_id: string };

/** The seed's `DELETE /agents/{id}`. */
@UserOrAdmin()
@Controller('agents')
export class A2aAgentsAliasController {
  constructor(private readonly admin: A2aAgentAdminService) {}

  @RequirePermission(A2A_AGENT_WRITE_PERMISSION)
  @Audited('a2a.agent.delete', 'a2a_agent')
  @Delete(':id')
  @HttpCode(200)
  delete(@Param('id') id: string, @Req() req: GatewayRequest): Promise<DeletedAgent> {
    return this.admin.delete(id, req);
  }
}
