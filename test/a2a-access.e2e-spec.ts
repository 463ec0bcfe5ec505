import type { Task } from '@a2a-js/sdk';
import { randomUUID } from 'node:crypto';
import {
  a2aRest,
  sdkClient,
  startA2aGateway,
  startAgents,
  textOf,
  userMessage,
  type A2aAgents,
  type A2aRest,
  type Body,
  type Reply,
} from './fixtures/a2a.fixtures';
import { awayFromMinuteEdge } from './fixtures/metrics.fixtures';
import { expectError } from './fixtures/mcp-rest.fixtures';
import { TEST_ADMIN_KEY, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

// Per-key A2A agent access (LiteLLM's object_permission.agents / agent_access_groups on keys and
// teams, access_groups on agents) and per-key-per-agent rates (key_rpm_limit on agents, narrowed
// by a key's metadata.agent_rpm_limit), against two real agents built with the official SDK:
// listing, agent views, cards, raw JSON-RPC calls and the official SDK client through the gateway.

const ECHO = 'echo-agent';
const LEGACY = 'legacy-agent';
const UPSTREAM_FIELDS = ['url', 'card_url', 'auth_type', 'static_headers', 'has_credentials'];

type AgentView = Body & { agent_id: string };

describe('A2A access per key and per-agent rates', () => {
  let agents: A2aAgents;
  let gw: TestGateway;
  let rest: A2aRest;
  const base = (agentId: string): string => `${gw.url}/a2a/${agentId}`;

  /** A key with these `object_permission` agent fields (and other key fields). */
  const keyWith = (objectPermission: Body | undefined, extra: Body = {}): Promise<string> =>
    rest.generate({
      ...(objectPermission && { object_permission: objectPermission }),
      ...extra,
    });

  /** One raw A2A 1.0 `SendMessage` through the gateway. */
  const send = (key: string, agentId: string, text = 'hi'): Promise<Reply> =>
    rest.as(key)('POST', `/a2a/${agentId}`, {
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: {
        message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text }] },
      },
    });

  const listed = async (key: string): Promise<AgentView[]> => {
    const res = await rest.as(key)('GET', '/a2a/agents');
    expect(res.status).toBe(200);
    return res.body.agents as AgentView[];
  };

  const ids = (views: AgentView[]): string[] => views.map((view) => view.agent_id);

  beforeAll(async () => {
    agents = await startAgents();
    gw = await startA2aGateway(agents);
    rest = a2aRest(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await agents?.close();
  });

  it('registers agents with access_groups and key_rpm_limit, and changes them with PUT', async () => {
    const echo = await rest.admin('POST', '/a2a/agents', {
      agent_card_url: agents.modern.cardUrl,
      access_groups: ['booking'],
    });
    expect(echo.status).toBe(201);
    expect(echo.body).toMatchObject({ agent_id: ECHO, access_groups: ['booking'] });
    expect(echo.body.key_rpm_limit).toBeNull();

    const legacy = await rest.admin('POST', '/a2a/agents', {
      agent_card_url: agents.legacy.cardUrl,
      key_rpm_limit: 9,
    });
    expect(legacy.body).toMatchObject({ agent_id: LEGACY, access_groups: [], key_rpm_limit: 9 });
    const changed = await rest.admin('PUT', `/a2a/agents/${LEGACY}`, { key_rpm_limit: 2 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ key_rpm_limit: 2, url: agents.legacy.url });

    const bad = await rest.admin('PUT', `/a2a/agents/${LEGACY}`, { key_rpm_limit: 0 });
    expectError(bad, 400, 'invalid_a2a_agent');
    expect(bad.body.error.param).toBe('key_rpm_limit');
  });

  it('keeps agents and agent_access_groups in a key’s object_permission, merged on update', async () => {
    const plain = await rest.admin('POST', '/key/generate', {});
    // Defaulted JSON columns must come back as lists, not raw text, on both databases.
    expect(plain.body.object_permission).toEqual({
      mcp_servers: [],
      mcp_access_groups: [],
      mcp_tool_permissions: {},
      agents: [],
      agent_access_groups: [],
    });

    const created = await rest.admin('POST', '/key/generate', {
      object_permission: { agents: [LEGACY, LEGACY], mcp_servers: ['wiki'] },
    });
    expect(created.body.object_permission).toMatchObject({
      agents: [LEGACY],
      agent_access_groups: [],
      mcp_servers: ['wiki'],
    });
    const key = created.body.key as string;
    const merged = await rest.admin('POST', '/key/update', {
      key,
      object_permission: { agent_access_groups: ['booking'] },
    });
    expect(merged.body.object_permission).toMatchObject({
      agents: [LEGACY],
      agent_access_groups: ['booking'],
      mcp_servers: ['wiki'],
    });
    const bad = await rest.admin('POST', '/key/update', {
      key,
      object_permission: { agents: ['Not An Id'] },
    });
    expectError(bad, 400, 'invalid_request');
    expect(bad.body.error.param).toBe('object_permission.agents');
  });

  it('lists a restricted key only the agents it may call, and never their upstream details', async () => {
    const onlyLegacy = await keyWith({ agents: [LEGACY] });
    const booking = await keyWith({ agent_access_groups: ['booking'] });
    const everyAgent = await keyWith({ agents: ['*'] });
    const unrestricted = await keyWith(undefined);

    expect(ids(await listed(onlyLegacy))).toEqual([LEGACY]);
    expect(ids(await listed(booking))).toEqual([ECHO]);
    expect(ids(await listed(everyAgent))).toEqual([ECHO, LEGACY]);
    const views = await listed(unrestricted);
    expect(ids(views)).toEqual([ECHO, LEGACY]);
    for (const view of views) {
      for (const field of UPSTREAM_FIELDS) expect(view).not.toHaveProperty(field);
      expect(view.gateway_url).toBe(`/a2a/${view.agent_id}`);
    }
    const text = JSON.stringify(views);
    expect(text).not.toContain(agents.modern.origin);
    expect(text).not.toContain(agents.legacy.origin);

    const one = await rest.as(booking)('GET', `/a2a/agents/${ECHO}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ agent_id: ECHO, access_groups: ['booking'] });
    expect(one.body).not.toHaveProperty('url');
    expectError(
      await rest.as(onlyLegacy)('GET', `/a2a/agents/${ECHO}`),
      403,
      'a2a_agent_access_denied',
    );
    // The master key (an admin principal) still sees where the agent lives.
    expect((await rest.as()('GET', `/a2a/agents/${ECHO}`)).body.url).toBe(agents.modern.url);
  });

  it("lists in the gateway's public card only the agents of the key sent, none without one", async () => {
    const skillsOf = async (headers: Record<string, string>) => {
      const res = await fetch(`${gw.url}/.well-known/agent-card.json`, { headers });
      expect(res.status).toBe(200);
      const card = (await res.json()) as { skills: Array<{ id: string }> };
      return card.skills.map((skill) => skill.id);
    };
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const onlyLegacy = await keyWith({ agents: [LEGACY] });

    expect(await skillsOf({})).toEqual([]);
    expect(await skillsOf(bearer(onlyLegacy))).toEqual([LEGACY]);
    expect(await skillsOf(bearer(TEST_MASTER_KEY))).toEqual([ECHO, LEGACY]);
    expect(await skillsOf({ 'x-admin-api-key': TEST_ADMIN_KEY })).toEqual([ECHO, LEGACY]);
    // A key that is sent must be valid: no silent fall-back to the anonymous card.
    const wrong = await fetch(`${gw.url}/.well-known/agent.json`, { headers: bearer('sk-wrong') });
    expect(wrong.status).toBe(401);
    const badAdmin = await fetch(`${gw.url}/.well-known/agent-card.json`, {
      headers: { 'x-admin-api-key': 'not-the-admin-key' },
    });
    expect(badAdmin.status).toBe(401);
  });

  it('refuses the card and the calls of an agent the key may not call, before reaching it', async () => {
    const onlyLegacy = await keyWith({ agents: [LEGACY] });
    for (const path of [
      `/a2a/${ECHO}/.well-known/agent-card.json`,
      `/.well-known/agents/${ECHO}.json`,
    ]) {
      expectError(await rest.as(onlyLegacy)('GET', path), 403, 'a2a_agent_access_denied');
    }
    const before = agents.modern.requests.length;
    const call = await send(onlyLegacy, ECHO);
    expectError(call, 403, 'a2a_agent_access_denied');
    expect(call.body.error.message).toContain(ECHO);
    await expect(sdkClient(base(ECHO), onlyLegacy)).rejects.toThrow();
    expect(agents.modern.requests.length).toBe(before);
  });

  it('lets a key call the agents it may, with the official SDK client', async () => {
    const booking = await keyWith({ agent_access_groups: ['booking'] });
    const echo = await sdkClient(base(ECHO), booking);
    expect((await echo.getAgentCard()).supportedInterfaces.map((i) => i.url)).toContain(base(ECHO));
    expect(textOf((await echo.sendMessage(userMessage('allowed'))) as Task)).toBe('echo: allowed');

    const onlyLegacy = await keyWith({ agents: [LEGACY] });
    const legacy = await sdkClient(base(LEGACY), onlyLegacy);
    expect(textOf((await legacy.sendMessage(userMessage('old'))) as Task)).toBe('echo: old');
  });

  it('needs both the key and its team to allow an agent', async () => {
    const team = await rest.admin('POST', '/team/new', {
      team_id: 'a2a-echo-only',
      object_permission: { agents: [ECHO] },
    });
    expect(team.body.object_permission).toMatchObject({ agents: [ECHO], agent_access_groups: [] });
    const teamOnly = await keyWith(undefined, { team_id: 'a2a-echo-only' });
    const grouped = await keyWith(
      { agent_access_groups: ['booking'] },
      { team_id: 'a2a-echo-only' },
    );
    const wantsLegacy = await keyWith({ agents: [LEGACY] }, { team_id: 'a2a-echo-only' });

    expect(ids(await listed(teamOnly))).toEqual([ECHO]);
    expect(ids(await listed(grouped))).toEqual([ECHO]);
    expect(ids(await listed(wantsLegacy))).toEqual([]);
    expect((await send(grouped, ECHO)).status).toBe(200);
    expectError(await send(teamOnly, LEGACY), 403, 'a2a_agent_access_denied');
    expectError(await send(wantsLegacy, LEGACY), 403, 'a2a_agent_access_denied');
    expectError(await send(wantsLegacy, ECHO), 403, 'a2a_agent_access_denied');

    // Lifting the team's restriction takes effect at once.
    await rest.admin('POST', '/team/update', {
      team_id: 'a2a-echo-only',
      object_permission: { agents: null },
    });
    expect((await send(wantsLegacy, LEGACY)).status).toBe(200);
  });

  it('refuses the call past key_rpm_limit in a minute with 429 naming the agent, for that key only', async () => {
    const limited = await keyWith(undefined);
    const other = await keyWith(undefined);
    await awayFromMinuteEdge(10_000);
    expect((await send(limited, LEGACY)).status).toBe(200);
    expect((await send(limited, LEGACY)).status).toBe(200);
    const before = agents.legacy.requests.length;

    const refused = await send(limited, LEGACY);
    expectError(refused, 429, 'quota_exceeded');
    expect(refused.body.error.message).toContain(`for this key on agent "${LEGACY}"`);
    expect(refused.body.error.message).toContain('limited to 2 requests');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(agents.legacy.requests.length).toBe(before);

    // The same key still reaches another agent; another key still reaches this one.
    expect((await send(limited, ECHO)).status).toBe(200);
    expect((await send(other, LEGACY)).status).toBe(200);
  });

  it('narrows the agent’s rate with the key’s metadata.agent_rpm_limit (the lower wins)', async () => {
    const narrowed = await keyWith(undefined, {
      metadata: { agent_rpm_limit: { [ECHO]: 1, [LEGACY]: 1 } },
    });
    const wider = await keyWith(undefined, { metadata: { agent_rpm_limit: { [LEGACY]: 5 } } });
    await awayFromMinuteEdge(10_000);

    // ECHO has no key_rpm_limit: the key's own rate applies alone.
    expect((await send(narrowed, ECHO)).status).toBe(200);
    const echo = await send(narrowed, ECHO);
    expectError(echo, 429, 'quota_exceeded');
    expect(echo.body.error.message).toContain(`on agent "${ECHO}" is limited to 1 requests`);
    expect((await send(narrowed, LEGACY)).status).toBe(200);
    expectError(await send(narrowed, LEGACY), 429, 'quota_exceeded');

    // A higher override does not lift the agent's key_rpm_limit of 2.
    expect((await send(wider, LEGACY)).status).toBe(200);
    expect((await send(wider, LEGACY)).status).toBe(200);
    const capped = await send(wider, LEGACY);
    expectError(capped, 429, 'quota_exceeded');
    expect(capped.body.error.message).toContain('limited to 2 requests');

    const bad = await rest.admin('POST', '/key/generate', {
      metadata: { agent_rpm_limit: { [ECHO]: '10' } },
    });
    expectError(bad, 400, 'invalid_request');
    expect(bad.body.error.param).toBe('metadata.agent_rpm_limit');
  });
});
