import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { A2aAgentRecord } from '@routeiq/persistence';

type Json = Record<string, unknown>;

/** The only protocol binding the gateway proxies (`POST /a2a/{id}`). */
const JSONRPC = 'JSONRPC';
/** Versions the gateway speaks on every agent endpoint (it translates between them). */
const GATEWAY_VERSIONS = ['1.0', '0.3'] as const;
/** Name of the gateway's own security scheme in served cards. */
export const GATEWAY_SECURITY_SCHEME = 'routeiq';
const SCHEME_DESCRIPTION = 'A RouteIQ Gateway API key, sent as a Bearer token';
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * The gateway's public base URL for cards: `A2A_BASE_URL` when set, else the scheme the caller used
 * (`X-Forwarded-Proto`, then the socket) and its Host header (`localhost` when absent or malformed).
 */
export function gatewayBaseUrl(configured: string | undefined, req: IncomingMessage): string {
  if (configured) return configured.replace(/\/+$/, '');
  const header = req.headers['x-forwarded-proto'];
  const forwarded = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  const encrypted = (req.socket as TLSSocket | undefined)?.encrypted === true;
  const proto = forwarded?.toLowerCase();
  const scheme = proto === 'https' || proto === 'http' ? proto : encrypted ? 'https' : 'http';
  const host = req.headers.host;
  return `${scheme}://${host && HOST.test(host) ? host : 'localhost'}`;
}

/** The gateway URL an agent is called at. */
export function agentEndpoint(base: string, agentId: string): string {
  return `${base}/a2a/${agentId}`;
}

/**
 * An upstream card as the gateway serves it: every endpoint points at `<base>/a2a/{id}` and lists
 * only JSON-RPC (what the gateway proxies) in both 1.0 and 0.3 (it translates); upstream security
 * gives way to the gateway's bearer scheme; signatures (no longer valid) and the extended card
 * (it would be fetched with the gateway's upstream credential, unrewritten) are dropped.
 * The stored card is not modified.
 */
export function rewriteAgentCard(
  agent: Pick<A2aAgentRecord, 'agentId' | 'card' | 'protocolVersion'>,
  base: string,
): Json {
  const endpoint = agentEndpoint(base, agent.agentId);
  const {
    signatures: _signatures,
    securitySchemes: _schemes,
    security: _security,
    securityRequirements: _requirements,
    supportsAuthenticatedExtendedCard: _extended,
    ...kept
  } = structuredClone(agent.card);
  const card: Json = { ...kept, ...gatewaySecurity(agent.protocolVersion) };
  if (Array.isArray(card.skills)) card.skills = card.skills.map(withoutSkillSecurity);
  if (isObject(card.capabilities)) delete card.capabilities.extendedAgentCard;
  // 0.3 fields, rewritten on any card that has them so no upstream endpoint survives.
  const legacy = agent.protocolVersion === '0.3';
  if (legacy || 'url' in card) card.url = endpoint;
  if (legacy || 'preferredTransport' in card) card.preferredTransport = JSONRPC;
  if ('additionalInterfaces' in card) {
    card.additionalInterfaces = [{ url: endpoint, transport: JSONRPC }];
  }
  card.supportedInterfaces = gatewayInterfaces(
    card.supportedInterfaces,
    endpoint,
    agent.protocolVersion,
  );
  return card;
}

/**
 * The upstream's JSON-RPC interfaces moved to the gateway (tenant and version kept, duplicates
 * dropped), then whichever of 1.0 and 0.3 is missing; the agent's own version comes first.
 */
function gatewayInterfaces(upstream: unknown, url: string, native: '1.0' | '0.3'): Json[] {
  const interfaces: Json[] = [];
  const seen = new Set<string>();
  const add = (entry: Json): void => {
    const key = `${text(entry.protocolVersion)}\u0000${text(entry.tenant)}`;
    if (seen.has(key)) return;
    seen.add(key);
    interfaces.push(entry);
  };
  for (const entry of Array.isArray(upstream) ? upstream : []) {
    if (!isObject(entry) || text(entry.protocolBinding).toUpperCase() !== JSONRPC) continue;
    add({ ...entry, url, protocolBinding: JSONRPC });
  }
  const ordered = [native, ...GATEWAY_VERSIONS.filter((version) => version !== native)];
  for (const version of ordered) {
    const covered = interfaces.some((entry) => majorOf(entry.protocolVersion) === majorOf(version));
    if (!covered) add({ url, protocolBinding: JSONRPC, protocolVersion: version });
  }
  return interfaces;
}

/** The gateway's bearer scheme in the card's own dialect (1.0 is proto JSON, 0.3 OpenAPI-like). */
export function gatewaySecurity(version: '1.0' | '0.3'): Json {
  if (version === '0.3') {
    return {
      securitySchemes: {
        [GATEWAY_SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: SCHEME_DESCRIPTION,
        },
      },
      security: [{ [GATEWAY_SECURITY_SCHEME]: [] }],
    };
  }
  return {
    securitySchemes: {
      [GATEWAY_SECURITY_SCHEME]: {
        httpAuthSecurityScheme: { scheme: 'Bearer', description: SCHEME_DESCRIPTION },
      },
    },
    securityRequirements: [{ schemes: { [GATEWAY_SECURITY_SCHEME]: { list: [] } } }],
  };
}

/** Per-skill requirements name upstream schemes, which the served card no longer declares. */
function withoutSkillSecurity(skill: unknown): unknown {
  if (!isObject(skill)) return skill;
  const { security: _security, securityRequirements: _requirements, ...kept } = skill;
  return kept;
}

/** `1.0` → `1`, `0.3.0` → `0.3`: 0.x minors are incompatible, 1.x minors are not. */
function majorOf(version: unknown): string {
  // An interface without a version is 0.3's (as the SDK reads it).
  const [major = '', minor = ''] = (text(version) || '0.3').split('.');
  return major === '0' ? `0.${minor}` : major;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The gateway's own card: A2A 1.0, plus 0.3's `url`/`preferredTransport`/`protocolVersion`
 * (readers of 1.0 cards ignore them once `supportedInterfaces` is present). Each enabled agent is
 * a skill whose id is the agent id, called at `<base>/a2a/{id}`.
 */
export function gatewayAgentCard(
  agents: readonly A2aAgentRecord[],
  base: string,
  keyed: boolean,
): Json {
  const url = `${base}/a2a`;
  return {
    name: 'RouteIQ Gateway',
    description:
      'A2A gateway: each skill is a registered agent, called with JSON-RPC (A2A 1.0 or 0.3) at ' +
      `${url}/{skill id}; its card is at ${url}/{skill id}/.well-known/agent-card.json.` +
      (keyed ? '' : ' Fetch this card with an API key to list the agents that key may call.'),
    version: '1.0.0',
    supportedInterfaces: GATEWAY_VERSIONS.map((protocolVersion) => ({
      url,
      protocolBinding: JSONRPC,
      protocolVersion,
    })),
    url,
    preferredTransport: JSONRPC,
    protocolVersion: '0.3.0',
    capabilities: { streaming: true },
    ...gatewaySecurity('1.0'),
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: agents
      .filter((agent) => agent.enabled)
      .map((agent) => ({
        id: agent.agentId,
        name: agent.name,
        description: agent.description ?? agent.name,
        tags: [...agent.capabilities],
      })),
  };
}
