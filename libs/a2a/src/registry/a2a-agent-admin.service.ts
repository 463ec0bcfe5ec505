import { Injectable } from '@nestjs/common';
import { noteAuditResource, type GatewayRequest } from '@routeiq/common';
import type { A2aAgentInput, A2aAgentRecord } from '@routeiq/persistence';
import { A2aErrorCode, A2aException } from '../a2a.exception';
import { A2aCardFetcher, type FetchedAgentCard } from '../cards/a2a-card.fetcher';
import { isA2aAgentId } from '@routeiq/persistence';
import { slugOf } from './a2a-agent-fields';
import { withCard, type A2aAgentUpdate } from './a2a-agent-patch';
import { parseA2aAgentCreate, parseA2aAgentUpdate, type A2aAgentRequest } from './a2a-agent.parser';
import { toA2aAgentView, type A2aAgentView } from './a2a-agent.view';
import { A2aRegistryService } from './a2a-registry.service';

/** Held by admin keys; a user key needs it to register or remove A2A agents. */
export const A2A_AGENT_WRITE_PERMISSION = 'a2a.agent.write';

/**
 * The agent-management API behind `/a2a/agents`: registration fetches and validates the agent's
 * card, writes go through the registry (SSRF guard, every replica told).
 */
@Injectable()
export class A2aAgentAdminService {
  constructor(
    private readonly registry: A2aRegistryService,
    private readonly cards: A2aCardFetcher,
  ) {}

  /** Every agent, or those whose capabilities include `capability`. */
  list(capability?: string): A2aAgentView[] {
    const agents = this.registry.list();
    const wanted = capability?.trim();
    const matching = wanted ? agents.filter((a) => a.capabilities.includes(wanted)) : agents;
    return matching.map(toA2aAgentView);
  }

  /** @throws A2aException 404. */
  get(agentId: string): A2aAgentView {
    const agent = this.registry.get(agentId);
    if (!agent) throw A2aException.agentNotFound(agentId.slice(0, 80));
    return toA2aAgentView(agent);
  }

  /** @throws A2aException 400/409; OutboundException `ssrf_blocked`. */
  async register(body: unknown, req: GatewayRequest): Promise<A2aAgentView> {
    const request = parseA2aAgentCreate(body);
    // A refused registration (SSRF, bad card) is audited against the id it asked for.
    const asked =
      request.agentId ?? (request.name === undefined ? undefined : slugOf(request.name));
    if (asked) noteAuditResource(req, asked);
    const fetched = await this.discover(request);
    const input = inputOf(request, fetched, req.principal?.keyId ?? null);
    noteAuditResource(req, input.agentId);
    const view = toA2aAgentView(await this.registry.create(input));
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
  async update(agentId: string, body: unknown, req: GatewayRequest): Promise<A2aAgentView> {
    noteAuditResource(req, agentId.slice(0, 80));
    if (!isA2aAgentId(agentId)) throw A2aException.agentNotFound(agentId.slice(0, 80));
    const current = await this.registry.fetch(agentId);
    const update = parseA2aAgentUpdate(body, current);
    const fetched = await this.refetch(update, { ...current, ...update.patch });
    const patch = withCard(update, fetched, current);
    const actor = req.principal?.keyId ?? null;
    const view = toA2aAgentView(await this.registry.update(agentId, patch, actor));
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
    accessGroups: [],
    keyRpmLimit: null,
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
