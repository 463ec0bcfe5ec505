import { agentInput } from './__fixtures__/sqlite-agent-store';
import { MASKED_VALUE, toA2aAgentView } from './a2a-agent.view';

describe('toA2aAgentView', () => {
  const when = new Date('2026-01-02T03:04:05.000Z');

  it('masks header values, hides the credential and lists the card skills', () => {
    const record = {
      ...agentInput('travel', {
        authType: 'api_key',
        authValue: 'secret-key',
        staticHeaders: { 'X-Tenant': 'acme' },
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
    const view = toA2aAgentView(record);
    expect(JSON.stringify(view)).not.toContain('secret-key');
    expect(JSON.stringify(view)).not.toContain('acme');
    expect(view).toMatchObject({
      agent_id: 'travel',
      gateway_url: '/a2a/travel',
      api_key_header: 'X-API-Key',
      has_credentials: true,
      static_headers: { 'X-Tenant': MASKED_VALUE },
      skills: [{ id: 'book', name: 'Book', description: 'Books', tags: ['travel'] }],
      created_at: '2026-01-02T03:04:05.000Z',
    });
  });

  it('shows no skills for an agent registered without a card', () => {
    const view = toA2aAgentView({ ...agentInput('bare'), createdAt: when, updatedAt: when });
    expect(view).toMatchObject({
      skills: [],
      card_url: null,
      has_credentials: false,
      api_key_header: null,
    });
  });
});
