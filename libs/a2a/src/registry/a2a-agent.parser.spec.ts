import { A2aErrorCode, A2aException } from '../a2a.exception';
import type { A2aAgentRecord } from '@routeiq/persistence';
import { agentInput } from './__fixtures__/sqlite-agent-store';
import { parseA2aAgentCreate, parseA2aAgentUpdate } from './a2a-agent.parser';

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

  it('reads access groups and the per-key rate, none by default', () => {
    const request = parseA2aAgentCreate({
      url: 'https://a.example.com/',
      access_groups: ['booking', ' finance ', 'booking'],
      key_rpm_limit: 30,
    });
    expect(request).toMatchObject({ accessGroups: ['booking', 'finance'], keyRpmLimit: 30 });
    expect(parseA2aAgentCreate({ url: 'https://a.example.com/' })).toMatchObject({
      accessGroups: [],
      keyRpmLimit: null,
    });
    expect(
      parseA2aAgentCreate({ url: 'https://a.example.com/', key_rpm_limit: null }).keyRpmLimit,
    ).toBeNull();
  });

  it.each([0, -1, 1.5, '10', Number.MAX_VALUE])('refuses key_rpm_limit %p', (value) => {
    const error = failure({ url: 'https://a.example.com/', key_rpm_limit: value });
    expect(error.param).toBe('key_rpm_limit');
    expect(error.message).toContain('key_rpm_limit: must be a positive integer');
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

describe('parseA2aAgentUpdate', () => {
  const current: A2aAgentRecord = {
    ...agentInput('travel', {
      url: 'https://travel.example.com/rpc',
      cardUrl: 'https://travel.example.com/.well-known/agent-card.json',
      authType: 'bearer_token',
      authValue: 'stored-secret',
      staticHeaders: { 'X-Tenant': 'acme', 'X-Other': 'kept?' },
    }),
    createdAt: new Date(),
    updatedAt: new Date(),
  };

  function updateFailure(body: unknown): A2aException {
    try {
      parseA2aAgentUpdate(body, current);
    } catch (error) {
      if (error instanceof A2aException) return error;
      throw error;
    }
    throw new Error('the body was accepted');
  }

  it('patches only the fields given and keeps masked header values', () => {
    const update = parseA2aAgentUpdate(
      {
        name: ' Travel 2 ',
        description: '',
        enabled: false,
        timeout_ms: 2500,
        static_headers: { 'x-tenant': '********', 'X-New': 'v' },
      },
      current,
    );
    expect(update).toEqual({
      patch: {
        name: 'Travel 2',
        description: null,
        enabled: false,
        timeoutMs: 2500,
        staticHeaders: { 'x-tenant': 'acme', 'X-New': 'v' },
      },
      capabilities: undefined,
      card: null,
      endpointUrl: undefined,
    });
  });

  it('sets, changes and clears access groups and the per-key rate', () => {
    const limited = { ...current, accessGroups: ['booking'], keyRpmLimit: 5 };
    expect(
      parseA2aAgentUpdate({ access_groups: ['finance'], key_rpm_limit: 10 }, limited).patch,
    ).toEqual({ accessGroups: ['finance'], keyRpmLimit: 10 });
    expect(
      parseA2aAgentUpdate({ access_groups: null, key_rpm_limit: null }, limited).patch,
    ).toEqual({ accessGroups: [], keyRpmLimit: null });
    expect(parseA2aAgentUpdate({ name: 'x' }, limited).patch).toEqual({ name: 'x' });
  });

  it('keeps the stored secret for the same auth type and needs one for a new type', () => {
    expect(parseA2aAgentUpdate({ credentials: { auth_value: '********' } }, current).patch).toEqual(
      { authType: 'bearer_token', authValue: 'stored-secret', apiKeyHeader: null },
    );
    expect(parseA2aAgentUpdate({ auth_type: 'none' }, current).patch).toEqual({
      authType: 'none',
      authValue: null,
      apiKeyHeader: null,
    });
    expect(updateFailure({ auth_type: 'api_key' }).message).toContain('credentials.auth_value:');
  });

  it('asks for a card: refresh from the stored card URL, a new card URL, or under a new endpoint', () => {
    expect(parseA2aAgentUpdate({ refresh_card: true }, current).card).toEqual({
      url: current.cardUrl,
      required: true,
    });
    const card = 'https://new.example.com/card.json';
    expect(parseA2aAgentUpdate({ agent_card_url: card }, current).card).toEqual({
      url: card,
      required: true,
    });
    const moved = parseA2aAgentUpdate({ url: 'https://moved.example.com/rpc' }, current);
    expect(moved).toMatchObject({
      card: { url: 'https://moved.example.com/rpc', required: false },
      endpointUrl: 'https://moved.example.com/rpc',
    });
    expect(parseA2aAgentUpdate({ url: current.url }, current).card).toBeNull();
  });

  it('names every bad field in one 400', () => {
    const error = updateFailure({
      agent_id: 'other',
      name: '',
      enabled: 'no',
      timeout_ms: 0,
      capabilities: 'x',
      static_headers: { Host: 'h' },
      url: 'ftp://x',
      refresh_card: 'yes',
      access_groups: [''],
      key_rpm_limit: 0,
    });
    expect(error.code).toBe(A2aErrorCode.InvalidAgent);
    expect(error.status).toBe(400);
    for (const field of [
      'agent_id',
      'name',
      'enabled',
      'timeout_ms',
      'capabilities',
      'static_headers.Host',
      'url',
      'refresh_card',
      'access_groups',
      'key_rpm_limit',
    ]) {
      expect(error.message).toContain(`${field}:`);
    }
    expect(updateFailure('x').message).toContain('body: must be a JSON object');
  });
});
