import {
  a2aAgentBody,
  mcpServerBody,
  type A2aAgentDraft,
  type McpServerDraft,
} from './registry-forms';

const server: McpServerDraft = {
  name: 'Search',
  id: '',
  url: 'https://mcp.example/mcp',
  transport: 'streamable_http',
  description: '',
  authType: 'none',
  authValue: '',
  apiKeyHeader: '',
  accessGroups: '',
};

describe(mcpServerBody.name, () => {
  it('sends what was typed, leaving empty optional fields out', () => {
    expect(mcpServerBody(server)).toEqual({
      body: {
        server_name: 'Search',
        url: 'https://mcp.example/mcp',
        transport: 'streamable_http',
        auth_type: 'none',
      },
      errors: null,
    });
  });

  it('nests the credential the way the gateway reads it', () => {
    const body = mcpServerBody({
      ...server,
      id: 'search',
      authType: 'api_key',
      authValue: ' secret ',
      apiKeyHeader: 'X-Key',
      accessGroups: 'dev, ops',
    }).body;
    expect(body).toMatchObject({
      server_id: 'search',
      auth_type: 'api_key',
      credentials: { auth_value: 'secret', api_key_header: 'X-Key' },
      mcp_access_groups: ['dev', 'ops'],
    });
  });

  it('names every problem', () => {
    expect(
      mcpServerBody({
        ...server,
        name: '',
        url: 'file:///x',
        id: 'Bad Id',
        authType: 'bearer_token',
      }).errors,
    ).toEqual({
      server_name: 'Required',
      url: 'Enter an http:// or https:// URL',
      server_id: 'Use 1-64 lower-case letters, digits, _ or -',
      auth: 'Enter the credential, or choose no auth',
    });
  });
});

const agent: A2aAgentDraft = {
  mode: 'card',
  cardUrl: 'https://agent.example/.well-known/agent-card.json',
  name: '',
  url: '',
  id: '',
  description: '',
  authType: 'none',
  authValue: '',
  accessGroups: '',
};

describe(a2aAgentBody.name, () => {
  it('registers by card URL', () => {
    expect(a2aAgentBody(agent).body).toEqual({
      agent_card_url: 'https://agent.example/.well-known/agent-card.json',
    });
  });

  it('registers by name and endpoint, with a bearer token', () => {
    const body = a2aAgentBody({
      ...agent,
      mode: 'endpoint',
      name: 'Planner',
      url: 'https://agent.example/rpc',
      authType: 'bearer_token',
      authValue: 'tok',
    }).body;
    expect(body).toEqual({
      name: 'Planner',
      url: 'https://agent.example/rpc',
      auth_type: 'bearer_token',
      credentials: { auth_value: 'tok' },
    });
  });

  it('requires the fields of the chosen mode', () => {
    expect(a2aAgentBody({ ...agent, cardUrl: '' }).errors).toEqual({ agent_card_url: 'Required' });
    expect(a2aAgentBody({ ...agent, mode: 'endpoint' }).errors).toEqual({
      name: 'Required',
      url: 'Required',
    });
  });
});
