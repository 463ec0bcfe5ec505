import { A2aErrorCode, A2aException } from '../a2a.exception';
import { parseA2aAgentCreate } from './a2a-agent.parser';

function failure(body: unknown): A2aException {
  try {
    parseA2aAgentCreate(body);
  } catch (error) {
    if (error instanceof A2aException) return error;
    throw error;
  }
  throw new Error('the body was accepted');
}

describe('parseA2aAgentCreate', () => {
  it("reads the seed's shape: the url is the endpoint and the id comes from the name", () => {
    const request = parseA2aAgentCreate({
      name: 'Travel Agent',
      url: 'https://travel.example.com/a2a',
      capabilities: ['book', 'book', ' search '],
      metadata: { protocol_version: '1.0' },
    });
    expect(request).toMatchObject({
      agentId: undefined,
      name: 'Travel Agent',
      cardUrl: null,
      endpointUrl: 'https://travel.example.com/a2a',
      capabilities: ['book', 'search'],
      protocolVersion: '1.0',
      authType: 'none',
      enabled: true,
      timeoutMs: null,
    });
  });

  it('treats a lone url or agent_card_url as a card to fetch', () => {
    expect(parseA2aAgentCreate({ url: 'https://a.example.com/' })).toMatchObject({
      cardUrl: 'https://a.example.com/',
      endpointUrl: null,
    });
    const card = 'https://a.example.com/.well-known/agent-card.json';
    expect(parseA2aAgentCreate({ agent_card_url: card })).toMatchObject({ cardUrl: card });
  });

  it('reads credentials and headers like the MCP parser', () => {
    const request = parseA2aAgentCreate({
      url: 'https://a.example.com/',
      credentials: { auth_value: 'k-1', api_key_header: 'X-Key' },
      static_headers: { 'X-Tenant': 'acme' },
      timeout_ms: 5000,
      enabled: false,
    });
    expect(request).toMatchObject({
      authType: 'api_key',
      authValue: 'k-1',
      apiKeyHeader: 'X-Key',
      staticHeaders: { 'X-Tenant': 'acme' },
      timeoutMs: 5000,
      enabled: false,
    });
  });

  it('names every bad field in one 400', () => {
    const error = failure({
      agent_id: 'Bad Id',
      url: 'ftp://x',
      auth_type: 'bearer_token',
      static_headers: { Host: 'x' },
      timeout_ms: -1,
      enabled: 'yes',
    });
    expect(error.code).toBe(A2aErrorCode.InvalidAgent);
    expect(error.status).toBe(400);
    for (const field of ['agent_id', 'url', 'credentials.auth_value', 'static_headers.Host']) {
      expect(error.message).toContain(`${field}:`);
    }
    expect(error.message).toContain('timeout_ms:');
    expect(error.message).toContain('enabled:');
  });

  it('refuses a body without a URL, a non-object body and URLs with credentials', () => {
    expect(failure({ name: 'x' }).message).toContain('url: is required');
    expect(failure([]).message).toContain('body: must be a JSON object');
    expect(failure({ url: 'https://u:p@a.example.com/' }).message).toContain('url:');
    expect(
      failure({ url: 'https://a.example.com', auth_type: 'none', auth_value: 's' }).message,
    ).toContain('auth_type: is none');
  });
});
