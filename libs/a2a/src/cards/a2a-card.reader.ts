import type { A2aProtocolVersion } from '@routeiq/persistence';
import { A2aException } from '../a2a.exception';

/** One skill of an agent card, as views and the gateway's own card show it. */
export interface A2aSkillSummary {
  id: string;
  name: string;
  description: string | null;
  tags: string[];
}

/** What the gateway needs from a validated agent card. */
export interface A2aCardSummary {
  name: string;
  description: string | null;
  protocolVersion: A2aProtocolVersion;
  /** The JSON-RPC endpoint the card declares. */
  endpointUrl: string;
  skills: A2aSkillSummary[];
  /** Skill ids and tags, plus `streaming` / `pushNotifications` when the card says true. */
  capabilities: string[];
}

type Json = Record<string, unknown>;

const MAX_SKILLS = 500;

/** Why a card (or a candidate card URL) is unusable; the fetcher tries the next candidate. */
export class AgentCardProblem extends Error {}

/**
 * Validates an A2A agent card (1.0 with `supportedInterfaces[]`, or 0.3 with `url` and
 * `protocolVersion`) and extracts what the registry stores.
 * @throws A2aException `invalid_agent_card` (400).
 */
export function readAgentCard(card: unknown): A2aCardSummary {
  try {
    return summarizeAgentCard(card);
  } catch (error) {
    if (error instanceof AgentCardProblem) throw A2aException.invalidAgentCard(error.message);
    throw error;
  }
}

/** Like `readAgentCard`. @throws AgentCardProblem. */
export function summarizeAgentCard(card: unknown): A2aCardSummary {
  if (!isJson(card)) throw new AgentCardProblem('the card is not a JSON object');
  const name = typeof card.name === 'string' ? card.name.trim() : '';
  if (!name) throw new AgentCardProblem('the card has no name');
  const endpoint = endpointOf(card);
  const skills = skillsOf(card.skills);
  return {
    name: name.slice(0, 255),
    description: typeof card.description === 'string' ? card.description.slice(0, 2000) : null,
    ...endpoint,
    skills,
    capabilities: capabilitiesOf(card.capabilities, skills),
  };
}

/** Reads a 0.3 or 1.0 card's version from `A2A_VERSION`-like strings (`0.3.0`, `1.0`, `1`). */
export function protocolVersionOf(value: unknown): A2aProtocolVersion | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^1(\.\d+){0,2}$/.test(value.trim())) return '1.0';
  if (/^0\.3(\.\d+)?$/.test(value.trim())) return '0.3';
  return undefined;
}

function endpointOf(card: Json): Pick<A2aCardSummary, 'protocolVersion' | 'endpointUrl'> {
  if (Array.isArray(card.supportedInterfaces)) {
    const jsonRpc = card.supportedInterfaces.filter(
      (entry): entry is Json => isJson(entry) && entry.protocolBinding === 'JSONRPC',
    );
    const pick = (version: A2aProtocolVersion): Json | undefined =>
      jsonRpc.find((entry) => protocolVersionOf(entry.protocolVersion ?? '1.0') === version);
    const chosen = pick('1.0') ?? pick('0.3');
    if (chosen) {
      const version = protocolVersionOf(chosen.protocolVersion ?? '1.0') ?? '1.0';
      return { protocolVersion: version, endpointUrl: httpUrl(chosen.url, 'JSONRPC interface') };
    }
    if (typeof card.url !== 'string') {
      throw new AgentCardProblem('supportedInterfaces has no JSONRPC 1.0 or 0.3 entry');
    }
  }
  return legacyEndpointOf(card);
}

function legacyEndpointOf(card: Json): Pick<A2aCardSummary, 'protocolVersion' | 'endpointUrl'> {
  const version = protocolVersionOf(card.protocolVersion);
  if (typeof card.url !== 'string' || !version) {
    throw new AgentCardProblem(
      'expected supportedInterfaces (A2A 1.0) or url and protocolVersion 0.3 (A2A 0.3)',
    );
  }
  const preferred = card.preferredTransport ?? 'JSONRPC';
  if (preferred === 'JSONRPC') return { protocolVersion: version, endpointUrl: httpUrl(card.url) };
  const extra = Array.isArray(card.additionalInterfaces) ? card.additionalInterfaces : [];
  const jsonRpc = extra.find(
    (entry): entry is Json => isJson(entry) && entry.transport === 'JSONRPC',
  );
  if (!jsonRpc) throw new AgentCardProblem('the agent offers no JSONRPC transport');
  return { protocolVersion: version, endpointUrl: httpUrl(jsonRpc.url, 'JSONRPC interface') };
}

function skillsOf(value: unknown): A2aSkillSummary[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AgentCardProblem('skills is not an array');
  return value.slice(0, MAX_SKILLS).flatMap((skill): A2aSkillSummary[] => {
    if (!isJson(skill) || typeof skill.id !== 'string' || skill.id.trim() === '') return [];
    const tags = Array.isArray(skill.tags)
      ? skill.tags.filter((tag): tag is string => typeof tag === 'string' && tag.trim() !== '')
      : [];
    return [
      {
        id: skill.id.trim(),
        name: typeof skill.name === 'string' ? skill.name : skill.id.trim(),
        description: typeof skill.description === 'string' ? skill.description : null,
        tags: tags.map((tag) => tag.trim()),
      },
    ];
  });
}

function capabilitiesOf(value: unknown, skills: readonly A2aSkillSummary[]): string[] {
  const names = skills.flatMap((skill) => [skill.id, ...skill.tags]);
  if (isJson(value)) {
    if (value.streaming === true) names.push('streaming');
    if (value.pushNotifications === true) names.push('pushNotifications');
  }
  return [...new Set(names)];
}

function httpUrl(value: unknown, what = 'url'): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // reported below
    }
  }
  throw new AgentCardProblem(`the ${what} is not an absolute http(s) URL`);
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
