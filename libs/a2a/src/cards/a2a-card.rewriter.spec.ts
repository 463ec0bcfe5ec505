import type { IncomingMessage } from 'node:http';
import { AgentCard } from '@a2a-js/sdk';
import type { A2aAgentRecord } from '@routeiq/persistence';
import { gatewayAgentCard, gatewayBaseUrl, rewriteAgentCard } from './a2a-card.rewriter';

const BASE = 'https://gateway.example.com';
const UPSTREAM = 'https://agent.internal:9000';

function agent(overrides: Partial<A2aAgentRecord> = {}): A2aAgentRecord {
  return {
    agentId: 'travel',
    name: 'Travel agent',
    description: 'Books trips',
    url: `${UPSTREAM}/rpc`,
    cardUrl: `${UPSTREAM}/.well-known/agent-card.json`,
    card: {},
    protocolVersion: '1.0',
    capabilities: ['booking'],
    accessGroups: [],
    keyRpmLimit: null,
    authType: 'none',
    authValue: null,
    apiKeyHeader: null,
    staticHeaders: {},
    timeoutMs: null,
    enabled: true,
    createdBy: null,
    updatedBy: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

const upstreamSecurity = {
  securitySchemes: { upstreamKey: { apiKeySecurityScheme: { name: 'X-Key', location: 'header' } } },
  signatures: [{ protected: 'e30', signature: 'c2ln' }],
};

const card10 = {
  name: 'Travel agent',
  description: 'Books trips',
  version: '2.1.0',
  supportedInterfaces: [
    { url: `${UPSTREAM}/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: 't1' },
    { url: `${UPSTREAM}/grpc`, protocolBinding: 'GRPC', protocolVersion: '1.0' },
    { url: `${UPSTREAM}/rest`, protocolBinding: 'HTTP+JSON', protocolVersion: '1.0' },
  ],
  provider: { url: 'https://vendor.example', organization: 'Vendor' },
  capabilities: { streaming: true, extendedAgentCard: true, extensions: [] },
  ...upstreamSecurity,
  securityRequirements: [{ schemes: { upstreamKey: { list: [] } } }],
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [
    {
      id: 'book',
      name: 'Book',
      description: 'Books a flight',
      tags: ['booking'],
      securityRequirements: [{ schemes: { upstreamKey: { list: [] } } }],
    },
  ],
};

const card03 = {
  name: 'Legacy agent',
  description: 'Speaks 0.3',
  version: '0.1.0',
  protocolVersion: '0.3.0',
  url: `${UPSTREAM}/rpc`,
  preferredTransport: 'JSONRPC',
  additionalInterfaces: [
    { url: `${UPSTREAM}/rpc`, transport: 'JSONRPC' },
    { url: `${UPSTREAM}/grpc`, transport: 'GRPC' },
  ],
  capabilities: { streaming: true },
  supportsAuthenticatedExtendedCard: true,
  securitySchemes: { oauth: { type: 'oauth2', flows: {} } },
  security: [{ oauth: ['read'] }],
  signatures: [{ protected: 'e30', signature: 'c2ln' }],
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [{ id: 'chat', name: 'Chat', description: 'Chats', tags: [], security: [{ oauth: [] }] }],
};

function request(headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { headers, socket: { encrypted } } as unknown as IncomingMessage;
}

describe(gatewayBaseUrl.name, () => {
  it('prefers A2A_BASE_URL over anything the request says', () => {
    const req = request({ host: 'evil.example', 'x-forwarded-proto': 'http' });
    expect(gatewayBaseUrl('https://gw.example.com/prefix/', req)).toBe(
      'https://gw.example.com/prefix',
    );
  });

  it('otherwise uses X-Forwarded-Proto (first hop), then the socket, and the Host header', () => {
    expect(gatewayBaseUrl(undefined, request({ host: 'gw:8080' }))).toBe('http://gw:8080');
    expect(gatewayBaseUrl(undefined, request({ host: 'gw' }, true))).toBe('https://gw');
    const proxied = request({ host: 'gw.example.com', 'x-forwarded-proto': 'HTTPS, http' });
    expect(gatewayBaseUrl(undefined, proxied)).toBe('https://gw.example.com');
    const bogus = request({ host: '[::1]:3000', 'x-forwarded-proto': 'gopher' }, true);
    expect(gatewayBaseUrl(undefined, bogus)).toBe('https://[::1]:3000');
  });

  it('never copies a malformed or missing Host into a URL', () => {
    expect(gatewayBaseUrl(undefined, request({ host: 'a.example/evil?x' }))).toBe(
      'http://localhost',
    );
    expect(gatewayBaseUrl(undefined, request({}))).toBe('http://localhost');
  });
});

describe(rewriteAgentCard.name, () => {
  it('points a 1.0 card’s JSON-RPC interfaces at the gateway and drops the others', () => {
    const served = rewriteAgentCard(agent({ card: card10 }), BASE);
    expect(served.supportedInterfaces).toEqual([
      {
        url: `${BASE}/a2a/travel`,
        protocolBinding: 'JSONRPC',
        protocolVersion: '1.0',
        tenant: 't1',
      },
      { url: `${BASE}/a2a/travel`, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
    ]);
    expect(JSON.stringify(served)).not.toContain(UPSTREAM);
    expect(served).not.toHaveProperty('url');
    expect(served).toMatchObject({
      name: 'Travel agent',
      version: '2.1.0',
      provider: { url: 'https://vendor.example', organization: 'Vendor' },
      capabilities: { streaming: true, extensions: [] },
    });
  });

  it('replaces a 1.0 card’s security with the gateway’s bearer scheme and drops signatures', () => {
    const served = rewriteAgentCard(agent({ card: card10 }), BASE);
    expect(served.securitySchemes).toEqual({
      routeiq: { httpAuthSecurityScheme: { scheme: 'Bearer', description: expect.any(String) } },
    });
    expect(served.securityRequirements).toEqual([{ schemes: { routeiq: { list: [] } } }]);
    expect(served).not.toHaveProperty('signatures');
    expect(served).not.toHaveProperty('security');
    expect(served.capabilities).not.toHaveProperty('extendedAgentCard');
    expect((served.skills as object[])[0]).toEqual({
      id: 'book',
      name: 'Book',
      description: 'Books a flight',
      tags: ['booking'],
    });
  });

  it('is read by the official SDK as a 1.0 card whose interfaces are the gateway’s', () => {
    const parsed = AgentCard.fromJSON(rewriteAgentCard(agent({ card: card10 }), BASE));
    expect(parsed.supportedInterfaces.map((i) => [i.url, i.protocolVersion])).toEqual([
      [`${BASE}/a2a/travel`, '1.0'],
      [`${BASE}/a2a/travel`, '0.3'],
    ]);
    expect(parsed.securitySchemes.routeiq?.scheme).toMatchObject({
      $case: 'httpAuthSecurityScheme',
      value: { scheme: 'Bearer' },
    });
    expect(parsed.signatures).toEqual([]);
  });

  it('rewrites a 0.3 card’s url, transport and additional interfaces', () => {
    const served = rewriteAgentCard(agent({ card: card03, protocolVersion: '0.3' }), BASE);
    expect(served).toMatchObject({
      url: `${BASE}/a2a/travel`,
      preferredTransport: 'JSONRPC',
      protocolVersion: '0.3.0',
      additionalInterfaces: [{ url: `${BASE}/a2a/travel`, transport: 'JSONRPC' }],
      supportedInterfaces: [
        { url: `${BASE}/a2a/travel`, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
        { url: `${BASE}/a2a/travel`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      ],
    });
    expect(JSON.stringify(served)).not.toContain(UPSTREAM);
  });

  it('replaces a 0.3 card’s security in the 0.3 dialect and drops the extended card', () => {
    const served = rewriteAgentCard(agent({ card: card03, protocolVersion: '0.3' }), BASE);
    expect(served.securitySchemes).toEqual({
      routeiq: { type: 'http', scheme: 'bearer', description: expect.any(String) },
    });
    expect(served.security).toEqual([{ routeiq: [] }]);
    expect(served).not.toHaveProperty('securityRequirements');
    expect(served).not.toHaveProperty('signatures');
    expect(served).not.toHaveProperty('supportsAuthenticatedExtendedCard');
    expect((served.skills as object[])[0]).not.toHaveProperty('security');
  });

  it('rewrites 0.3 fields a 1.0 card also carries and keeps an upstream 0.3 interface once', () => {
    const hybrid = {
      ...card10,
      url: `${UPSTREAM}/rpc`,
      preferredTransport: 'GRPC',
      supportedInterfaces: [
        { url: `${UPSTREAM}/v03`, protocolBinding: 'jsonrpc', protocolVersion: '0.3' },
        { url: `${UPSTREAM}/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
        { url: `${UPSTREAM}/rpc2`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      ],
    };
    const served = rewriteAgentCard(agent({ card: hybrid }), BASE);
    expect(served).toMatchObject({ url: `${BASE}/a2a/travel`, preferredTransport: 'JSONRPC' });
    expect(served.supportedInterfaces).toEqual([
      { url: `${BASE}/a2a/travel`, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
      { url: `${BASE}/a2a/travel`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
    ]);
  });

  it('leaves the stored card untouched', () => {
    const stored = structuredClone(card10);
    rewriteAgentCard(agent({ card: stored }), BASE);
    expect(stored).toEqual(card10);
  });
});

describe(gatewayAgentCard.name, () => {
  const agents = [
    agent({ agentId: 'alpha', name: 'Alpha', description: null, capabilities: ['a', 'b'] }),
    agent({ agentId: 'hidden', name: 'Hidden', enabled: false }),
    agent({ agentId: 'travel' }),
  ];

  it('lists each enabled agent as a skill and points at the gateway', () => {
    const card = gatewayAgentCard(agents, BASE, true);
    expect(card).toMatchObject({
      name: 'RouteIQ Gateway',
      url: `${BASE}/a2a`,
      capabilities: { streaming: true },
      skills: [
        { id: 'alpha', name: 'Alpha', description: 'Alpha', tags: ['a', 'b'] },
        { id: 'travel', name: 'Travel agent', description: 'Books trips', tags: ['booking'] },
      ],
    });
    expect(JSON.stringify(card)).not.toContain('hidden');
  });

  it('is a 1.0 card to the official SDK despite its 0.3 fields', () => {
    const parsed = AgentCard.fromJSON(gatewayAgentCard(agents, BASE, true));
    expect(parsed.supportedInterfaces[0]).toMatchObject({
      url: `${BASE}/a2a`,
      protocolBinding: 'JSONRPC',
      protocolVersion: '1.0',
    });
    expect(parsed.skills.map((skill) => skill.id)).toEqual(['alpha', 'travel']);
    expect(parsed.capabilities?.streaming).toBe(true);
  });

  it('lists no skills when no agent is enabled', () => {
    expect(gatewayAgentCard([], BASE, true).skills).toEqual([]);
  });

  it('tells a caller without a key how to see the agents', () => {
    expect(gatewayAgentCard([], BASE, false).description).toContain('with an API key');
    expect(gatewayAgentCard([], BASE, true).description).not.toContain('with an API key');
  });
});
