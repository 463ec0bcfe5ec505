import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DnsHostResolver,
  OutboundException,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SafeOutboundClient,
} from '@routeiq/security';
import { A2aErrorCode, A2aException } from '../a2a.exception';
import { A2aCardFetcher, cardCandidates } from './a2a-card.fetcher';

const CARD_1_0 = {
  name: 'Echo 1.0',
  description: 'echoes',
  supportedInterfaces: [
    { url: 'http://127.0.0.1:1/v03', protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
    { url: 'http://127.0.0.1:1/rpc', protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
  ],
  capabilities: { streaming: true, pushNotifications: false },
  skills: [{ id: 'echo', name: 'Echo', tags: ['text', 'demo'] }],
};
const CARD_0_3 = {
  name: 'Echo 0.3',
  url: 'http://127.0.0.1:1/legacy',
  protocolVersion: '0.3.0',
  capabilities: { pushNotifications: true },
  skills: [],
};

describe(A2aCardFetcher.name, () => {
  let server: Server;
  let base: string;
  let client: SafeOutboundClient;
  let fetcher: A2aCardFetcher;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
      const routes: Record<string, unknown> = {
        '/v1/.well-known/agent-card.json': CARD_1_0,
        '/.well-known/agent.json': CARD_0_3,
        '/bad.json': { name: 'no endpoint' },
        '/text.json': 'not json',
      };
      const body = routes[req.url ?? ''];
      if (body === undefined) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = resolveOutboundConfig({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `${base}/` });
    client = new SafeOutboundClient(new OutboundUrlGuard(config, new DnsHostResolver()));
    fetcher = new A2aCardFetcher(client);
  });

  afterAll(async () => {
    await client.onApplicationShutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => (seen.length = 0));

  it('finds a 1.0 card under the given path and prefers its 1.0 JSONRPC interface', async () => {
    const fetched = await fetcher.fetch(`${base}/v1`, { headers: { authorization: 'Bearer t' } });
    expect(fetched.cardUrl).toBe(`${base}/v1/.well-known/agent-card.json`);
    expect(fetched.card).toEqual(CARD_1_0);
    expect(fetched.summary).toEqual({
      name: 'Echo 1.0',
      description: 'echoes',
      protocolVersion: '1.0',
      endpointUrl: 'http://127.0.0.1:1/rpc',
      skills: [{ id: 'echo', name: 'Echo', description: null, tags: ['text', 'demo'] }],
      capabilities: ['echo', 'text', 'demo', 'streaming'],
    });
    expect(seen).toEqual(['/v1 Bearer t', '/v1/.well-known/agent-card.json Bearer t']);
  });

  it('falls back to the legacy agent.json under the origin for a 0.3 card', async () => {
    const fetched = await fetcher.fetch(`${base}/`);
    expect(fetched.cardUrl).toBe(`${base}/.well-known/agent.json`);
    expect(fetched.summary).toMatchObject({
      protocolVersion: '0.3',
      endpointUrl: 'http://127.0.0.1:1/legacy',
      capabilities: ['pushNotifications'],
    });
  });

  it('refuses an explicit card URL serving no valid card', async () => {
    for (const path of ['/bad.json', '/text.json', '/missing.json']) {
      const error = await fetcher.fetch(`${base}${path}`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(A2aException);
      expect((error as A2aException).code).toBe(A2aErrorCode.InvalidAgentCard);
    }
  });

  it('lets an SSRF refusal through as the outbound error', async () => {
    const error = await fetcher.fetch('http://127.0.0.2:9/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundException);
    expect((error as OutboundException).code).toBe('ssrf_blocked');
  });

  it('lists the candidate card URLs in order', () => {
    expect(cardCandidates('https://a.example.com/x/')).toEqual([
      'https://a.example.com/x/',
      'https://a.example.com/x/.well-known/agent-card.json',
      'https://a.example.com/.well-known/agent-card.json',
      'https://a.example.com/.well-known/agent.json',
    ]);
    expect(cardCandidates('https://a.example.com/card.json')).toEqual([
      'https://a.example.com/card.json',
    ]);
  });
});
