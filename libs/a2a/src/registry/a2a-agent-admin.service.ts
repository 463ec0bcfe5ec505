import { Injectable } from '@nestjs/common';
import { noteAuditResource, type GatewayRequest } from '@routeiq/common';
import { isA2aAgentId, type A2aAgentInput, type A2aAgentRecord } from '@routeiq/persistence';
import { grants, resolvedKeyOf } from '@routeiq/security';
import { a2aAccessOf, assertMayCallAgent, mayCallAgent } from '../access/a2a-agent-access';
import { A2aErrorCode, A2aException } from '../a2a.exception';
import { A2aCardFetcher, type FetchedAgentCard } from '../cards/a2a-card.fetcher';
import { slugOf } from './a2a-agent-fields';
import { withCard, type A2aAgentUpdate } from './a2a-agent-patch';
import { parseA2aAgentCreate, parseA2aAgentUpdate, type A2aAgentRequest } from './a2a-agent.parser';
import { toA2aAgentView, type A2aAgentAdminView, type A2aAgentView } from './a2a-agent.view';
import { A2aRegistryService } from './a2a-registry.service';

/** Held by admin keys; a user key needs it to register or remove A2A agents. */
export const A2A_AGENT_WRITE_PERMISSION = 'a2a.agent.write';

/**
 * The agent-management API behind `/a2a/agents`: registration fetches and validates the agent's
 * card, writes go through the registry (SSRF guard, every replica told). Reads show a user key
 * only the agents it may call, without their upstream details.
 */
@Injectable()
export class A2aAgentAdminService {
  constructor(
    private readonly registry: A2aRegistryService,
    private readonly cards: A2aCardFetcher,
  ) {}

  /** The agents the caller may call, or those of them whose capabilities include `capability`. */
  list(req: GatewayRequest, capability?: string): A2aAgentView[] {
    const access = a2aAccessOf(req);
    const wanted = capability?.trim();
    const admin = managesAgents(req);
    return this.registry
      .list()
      .filter((agent) => mayCallAgent(access, agent))
      .filter((agent) => !wanted || agent.capabilities.includes(wanted))
      .map((agent) => toA2aAgentView(agent, admin));
  }

  /** @throws A2aException 404, or 403 `a2a_agent_access_denied` for an agent the key may not call. */
  get(agentId: string, req: GatewayRequest): A2aAgentView {
    const agent = this.registry.get(agentId);
    if (!agent) throw A2aException.agentNotFound(agentId.slice(0, 80));
    assertMayCallAgent(req, agent);
    return toA2aAgentView(agent, managesAgents(req));
  }

  /** @throws A2aException 400/409; OutboundException `ssrf_blocked`. */
  async register(body: unknown, req: GatewayRequest): Promise<A2aAgentAdminView> {
    const request = parseA2aAgentCreate(body);
    // A refused registration (SSRF, bad card) is audited against the id it asked for.
    const asked =
      request.agentId ?? (request.name === undefined ? undefined : slugOf(request.name));
    if (asked) noteAuditResource(req, asked);
    const fetched = await this.discover(request);
    const input = inputOf(request, fetched, req.principal?.keyId ?? null);
    noteAuditResource(req, input.agentId);
    const view = toA2aAgentView(await this.registry.create(input), true);
    noteAuditResource(req, view.agent_id, {
      name: view.name,
      protocol_version: view.protocol_version,
      auth_type: view.auth_type,
      enabled: view.enabled,
    });
    return view;
  }

  /**
   * Changes an agent; a new card URL, a new endpoint or `refresh_card` fetches its card again.
   * @throws A2aException 400/404; OutboundException `ssrf_blocked`.
   */
  async update(agentId: string, body: unknown, req: GatewayRequest): Promise<A2aAgentAdminView> {
    noteAuditResource(req, agentId.slice(0, 80));
    if (!isA2aAgentId(agentId)) throw A2aException.agentNotFound(agentId.slice(0, 80));
    const current = await this.registry.fetch(agentId);
    const update = parseA2aAgentUpdate(body, current);
    const fetched = await this.refetch(update, { ...current, ...update.patch });
    const patch = withCard(update, fetched, current);
    const actor = req.principal?.keyId ?? null;
    const view = toA2aAgentView(await this.registry.update(agentId, patch, actor), true);
    // Field names only: values may be secrets.
    noteAuditResource(req, agentId, { changed: Object.keys(patch).sort() });
    return view;
  }

  /** @throws A2aException 404. */
  async delete(agentId: string, req: GatewayRequest): Promise<{ deleted: true; agent_id: string }> {
    noteAuditResource(req, agentId.slice(0, 80));
    if (!isA2aAgentId(agentId)) throw A2aException.agentNotFound(agentId.slice(0, 80));
    await this.registry.delete(agentId);
    return { deleted: true, agent_id: agentId };
  }

  /** A card is required at `agent_card_url`; under a seed-style endpoint URL it is optional. */
  private async discover(request: A2aAgentRequest): Promise<FetchedAgentCard | null> {
    if (request.cardUrl)
      return this.cards.fetch(request.cardUrl, { headers: credentialHeaders(request) });
    if (!request.endpointUrl) return null;
    return this.optionalCard(request.endpointUrl, credentialHeaders(request));
  }

  private async refetch(
    update: A2aAgentUpdate,
    agent: A2aAgentRecord,
  ): Promise<FetchedAgentCard | null> {
    if (!update.card) return null;
    const headers = credentialHeaders(agent);
    if (update.card.required) return this.cards.fetch(update.card.url, { headers });
    return this.optionalCard(update.card.url, headers);
  }

  private async optionalCard(
    url: string,
    headers: Record<string, string>,
  ): Promise<FetchedAgentCard | null> {
    try {
      return await this.cards.fetch(url, { headers });
    } catch (error) {
      // SSRF refusals and other errors still fail the registration.
      const noCard =
        error instanceof A2aException && error.code === (A2aErrorCode.InvalidAgentCard as string);
      if (noCard) return null;
      throw error;
    }
  }
}

/** Admins and holders of `a2a.agent.write` see how the gateway reaches an agent. */
function managesAgents(req: GatewayRequest): boolean {
  const kind = req.principal?.kind;
  if (kind === 'admin' || kind === 'master') return true;
  return grants(resolvedKeyOf(req)?.key.permissions ?? [], A2A_AGENT_WRITE_PERMISSION);
}

function inputOf(
  request: A2aAgentRequest,
  fetched: FetchedAgentCard | null,
  actor: string | null,
): A2aAgentInput {
  const summary = fetched?.summary;
  const name = request.name ?? summary?.name ?? '';
  const agentId = request.agentId ?? slugOf(name);
  if (!agentId) {
    throw A2aException.invalidAgent(
      ['agent_id: is required: the name gives no usable id'],
      'agent_id',
    );
  }
  const url = request.endpointUrl ?? summary?.endpointUrl;
  if (!url) throw A2aException.invalidAgent(['url: is required'], 'url');
  return {
    agentId,
    name,
    description:
      request.description !== undefined ? request.description : (summary?.description ?? null),
    url,
    cardUrl: fetched?.cardUrl ?? null,
    card: fetched?.card ?? {},
    protocolVersion: summary?.protocolVersion ?? request.protocolVersion ?? '0.3',
    capabilities: [...new Set([...request.capabilities, ...(summary?.capabilities ?? [])])],
    accessGroups: request.accessGroups,
    keyRpmLimit: request.keyRpmLimit,
    authType: request.authType,
    authValue: request.authValue,
    apiKeyHeader: request.apiKeyHeader,
    staticHeaders: request.staticHeaders,
    timeoutMs: request.timeoutMs,
    enabled: request.enabled,
    createdBy: actor,
    updatedBy: null,
  };
}

/** The headers the gateway sends the agent: static ones, then its credential. */
export function credentialHeaders(
  agent: Pick<A2aAgentRecord, 'authType' | 'authValue' | 'apiKeyHeader' | 'staticHeaders'>,
): Record<string, string> {
  const headers = { ...agent.staticHeaders };
  if (agent.authType === 'bearer_token' && agent.authValue) {
    headers.authorization = `Bearer ${agent.authValue}`;
  } else if (agent.authType === 'api_key' && agent.authValue) {
    headers[agent.apiKeyHeader ?? 'X-API-Key'] = agent.authValue;
  }
  return headers;
}
