import { agentInput } from './__fixtures__/sqlite-agent-store';
import { MASKED_VALUE, toA2aAgentView } from './a2a-agent.view';

describe('toA2aAgentView', () => {
  const when = new Date('2026-01-02T03:04:05.000Z');
  const record = {
    ...agentInput('travel', {
      url: 'https://agent.internal.example/rpc?tenant=acme-secret-path',
      cardUrl: 'https://agent.internal.example/.well-known/agent-card.json',
      authType: 'api_key',
      authValue: 'secret-key',
      apiKeyHeader: 'X-Agent-Key',
      staticHeaders: { 'X-Tenant': 'acme' },
      accessGroups: ['booking'],
      keyRpmLimit: 30,
      card: {
        name: 'Travel',
        url: 'https://agent.example.com/rpc',
        protocolVersion: '0.3.0',
        skills: [{ id: 'book', name: 'Book', description: 'Books', tags: ['travel'] }],
      },
    }),
    createdAt: when,
    updatedAt: when,
  };

  it('shows an admin the upstream details, header values masked, never the credential', () => {
    const view = toA2aAgentView(record, true);
    expect(JSON.stringify(view)).not.toContain('secret-key');
    expect(JSON.stringify(view)).not.toContain('acme"');
    expect(view).toMatchObject({
      agent_id: 'travel',
      url: record.url,
      card_url: record.cardUrl,
      gateway_url: '/a2a/travel',
      auth_type: 'api_key',
      api_key_header: 'X-Agent-Key',
      has_credentials: true,
      static_headers: { 'X-Tenant': MASKED_VALUE },
      access_groups: ['booking'],
      key_rpm_limit: 30,
      skills: [{ id: 'book', name: 'Book', description: 'Books', tags: ['travel'] }],
      created_at: '2026-01-02T03:04:05.000Z',
      created_by: 'admin-1',
    });
  });

  it('shows any other caller what the agent does and where to call it, not how it is reached', () => {
    const view = toA2aAgentView(record, false);
    expect(Object.keys(view).sort()).toEqual(
      [
        'access_groups',
        'agent_id',
        'capabilities',
        'created_at',
        'description',
        'enabled',
        'gateway_url',
        'key_rpm_limit',
        'name',
        'protocol_version',
        'skills',
        'timeout_ms',
        'updated_at',
      ].sort(),
    );
    const text = JSON.stringify(view);
    for (const hidden of [
      'agent.internal.example',
      'X-Tenant',
      'X-Agent-Key',
      'api_key',
      'admin-1',
    ]) {
      expect(text).not.toContain(hidden);
    }
    expect(view).toMatchObject({ gateway_url: '/a2a/travel', key_rpm_limit: 30 });
  });

  it('shows no skills for an agent registered without a card', () => {
    const bare = { ...agentInput('bare'), createdAt: when, updatedAt: when };
    expect(toA2aAgentView(bare, true)).toMatchObject({
      skills: [],
      card_url: null,
      has_credentials: false,
      api_key_header: null,
      access_groups: [],
      key_rpm_limit: null,
    });
  });
});
