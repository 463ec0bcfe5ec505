import { Injectable } from '@nestjs/common';
import type { A2aAgentPatch, A2aAgentRecord } from '@routeiq/persistence';
import { isDeepStrictEqual } from 'node:util';
import { credentialHeaders } from '../registry/a2a-agent-admin.service';
import { withCard } from '../registry/a2a-agent-patch';
import { parseA2aAgentUpdate } from '../registry/a2a-agent.parser';
import { A2aRegistryService } from '../registry/a2a-registry.service';
import { A2aCardRefresher } from './a2a-card-refresh.job';
import { A2aCardFetcher } from './a2a-card.fetcher';
import { summarizeAgentCard } from './a2a-card.reader';

/**
 * `A2aCardRefresher` from the registry's public pieces, in the steps of `PUT /a2a/agents/{id}` with
 * `refresh_card: true` (parse, fetch with the agent's credential, `withCard`, registry update),
 * except that nothing is saved when nothing changed, and an endpoint an admin set over the card's
 * own is kept. Apart from the admin service because it has no request, no caller and no audit
 * note of its own (the job audits as the system actor).
 */
@Injectable()
export class A2aRegistryCardRefresher extends A2aCardRefresher {
  constructor(
    private readonly registry: A2aRegistryService,
    private readonly cards: A2aCardFetcher,
  ) {
    super();
  }

  async refreshCard(agentId: string, signal: AbortSignal): Promise<readonly string[]> {
    const current = await this.registry.fetch(agentId);
    const update = parseA2aAgentUpdate({ refresh_card: true }, current);
    if (!update.card) return [];
    const headers = credentialHeaders(current);
    const fetched = await this.cards.fetch(update.card.url, { headers, signal });
    const patch = withCard({ ...update, endpointUrl: endpointOverride(current) }, fetched, current);
    const changed = changedFields(patch, current);
    if (changed.length === 0) return [];
    const changes: A2aAgentPatch = Object.fromEntries(changed.map((name) => [name, patch[name]]));
    await this.registry.update(agentId, changes, null);
    return changed;
  }
}

/** The stored endpoint when it is not the one the stored card declares (an admin set it). */
function endpointOverride(agent: A2aAgentRecord): string | undefined {
  try {
    return summarizeAgentCard(agent.card).endpointUrl === agent.url ? undefined : agent.url;
  } catch {
    return undefined;
  }
}

function changedFields(patch: A2aAgentPatch, current: A2aAgentRecord): (keyof A2aAgentPatch)[] {
  const names = Object.keys(patch) as (keyof A2aAgentPatch)[];
  return names.filter((name) => !sameValue(patch[name], current[name]));
}

// Capabilities are a set: the same ones in another order are no change.
function sameValue(next: unknown, stored: unknown): boolean {
  if (Array.isArray(next) && Array.isArray(stored)) {
    return isDeepStrictEqual(sorted(next as unknown[]), sorted(stored as unknown[]));
  }
  return isDeepStrictEqual(next, stored);
}

function sorted(values: readonly unknown[]): unknown[] {
  return [...values].sort();
}
