import { Injectable } from '@nestjs/common';
import { OutboundErrorCode, OutboundException, SafeOutboundClient } from '@routeiq/security';
import { A2aException } from '../a2a.exception';
import { AgentCardProblem, summarizeAgentCard, type A2aCardSummary } from './a2a-card.reader';

/** A validated upstream card and where it was found. */
export interface FetchedAgentCard {
  /** The card as served (URLs not rewritten). */
  card: Record<string, unknown>;
  cardUrl: string;
  summary: A2aCardSummary;
}

export interface CardFetchOptions {
  /** Sent with each card request (an agent may want its credential even for the card). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** Per attempt: a card is small and static, so a slow answer means a wrong or sick agent. */
export const A2A_CARD_TIMEOUT_MS = 10_000;
export const A2A_CARD_MAX_BYTES = 1024 * 1024;
const WELL_KNOWN = '/.well-known/agent-card.json';
const LEGACY_WELL_KNOWN = '/.well-known/agent.json';

/**
 * Fetches and validates an upstream agent card through the SSRF-guarded client: the URL itself,
 * then the well-known card paths under it and under its origin (`agent-card.json`, then the
 * pre-0.3 `agent.json`); the first valid card wins.
 */
@Injectable()
export class A2aCardFetcher {
  constructor(private readonly outbound: SafeOutboundClient) {}

  /**
   * @throws A2aException `invalid_agent_card` (400) when no candidate serves a valid card;
   * OutboundException `ssrf_blocked` when a URL may not be called.
   */
  async fetch(url: string, options: CardFetchOptions = {}): Promise<FetchedAgentCard> {
    let problem = 'nothing answered';
    for (const candidate of cardCandidates(url)) {
      try {
        return await this.fetchOne(candidate, options);
      } catch (error) {
        if (!isSkippable(error)) throw error;
        problem = error.message;
      }
    }
    throw A2aException.invalidAgentCard(`no usable agent card at ${hostOf(url)} (${problem})`);
  }

  private async fetchOne(cardUrl: string, options: CardFetchOptions): Promise<FetchedAgentCard> {
    const response = await this.outbound.request(cardUrl, {
      headers: { accept: 'application/json', ...options.headers },
      signal: options.signal,
      timeoutMs: A2A_CARD_TIMEOUT_MS,
      maxResponseBytes: A2A_CARD_MAX_BYTES,
    });
    if (response.status !== 200) {
      throw new AgentCardProblem(`HTTP ${response.status} from ${hostOf(cardUrl)}`);
    }
    let card: unknown;
    try {
      card = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new AgentCardProblem(`the card at ${hostOf(cardUrl)} is not JSON`);
    }
    const summary = summarizeAgentCard(card);
    return { card: card as Record<string, unknown>, cardUrl, summary };
  }
}

/** The URLs tried for `url`, in order, without duplicates. */
export function cardCandidates(url: string): string[] {
  const parsed = new URL(url);
  parsed.hash = '';
  const base = parsed.origin;
  const path = parsed.pathname.replace(/\/+$/, '');
  if (path.endsWith('.json')) return [parsed.href];
  const candidates = path === '' ? [] : [parsed.href, `${base}${path}${WELL_KNOWN}`];
  candidates.push(`${base}${WELL_KNOWN}`, `${base}${LEGACY_WELL_KNOWN}`);
  return [...new Set(candidates)];
}

// Another candidate may still serve the card; an SSRF refusal applies to every one of them.
function isSkippable(error: unknown): error is Error {
  if (error instanceof AgentCardProblem) return true;
  return (
    error instanceof OutboundException && error.code !== (OutboundErrorCode.SsrfBlocked as string)
  );
}

// Messages name the host only: a URL's path or query may carry a credential.
function hostOf(url: string): string {
  return new URL(url).host;
}
