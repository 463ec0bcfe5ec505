import { randomUUID } from 'node:crypto';
import {
  a2aRest,
  register,
  sdkClient,
  startA2aGateway,
  startAgents,
  textOf,
  userMessage,
  type A2aAgents,
  type A2aRest,
  type Reply,
} from './fixtures/a2a.fixtures';
import { awayFromMinuteEdge } from './fixtures/metrics.fixtures';
import { expectError } from './fixtures/mcp-rest.fixtures';
import type { TestGateway } from './support/gateway-harness';

// A team's metadata.agent_rpm_limit: requests per minute to an agent summed over all the team's
// keys (a key's own limit narrows further), through the official SDK client against a real agent.

const ECHO = 'echo-agent';

describe('A2A per-agent rate of a team', () => {
  let agents: A2aAgents;
  let gw: TestGateway;
  let rest: A2aRest;

  /** A new team with this metadata; returns its id. */
  const team = async (metadata: Record<string, unknown>): Promise<string> => {
    const teamId = `a2a-team-${randomUUID()}`;
    const res = await rest.admin('POST', '/team/new', { team_id: teamId, metadata });
    expect(res.status).toBe(200);
    return teamId;
  };

  /** One SendMessage with the official SDK client; its answer text. */
  const sdkSend = async (key: string, text: string): Promise<string> => {
    const client = await sdkClient(`${gw.url}/a2a/${ECHO}`, key);
    return textOf(await client.sendMessage(userMessage(text)));
  };

  /** One raw A2A 1.0 `SendMessage`, to read the gateway's HTTP answer. */
  const rawSend = (key: string): Promise<Reply> =>
    rest.as(key)('POST', `/a2a/${ECHO}`, {
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: 'hi' }] } },
    });

  beforeAll(async () => {
    agents = await startAgents();
    gw = await startA2aGateway(agents);
    rest = a2aRest(gw);
    await register(rest, agents.modern);
  });
  afterAll(async () => {
    await gw?.close();
    await agents?.close();
  });

  it('shares the team’s limit between its keys, and leaves another team alone', async () => {
    const shared = await team({ agent_rpm_limit: { [ECHO]: 2 } });
    const other = await team({ agent_rpm_limit: { [ECHO]: 2 } });
    const first = await rest.generate({ team_id: shared });
    const second = await rest.generate({ team_id: shared });
    const outsider = await rest.generate({ team_id: other });
    await awayFromMinuteEdge(10_000);

    expect(await sdkSend(first, 'one')).toBe('echo: one');
    expect(await sdkSend(second, 'two')).toBe('echo: two');
    const before = agents.modern.requests.length;

    const third = await rawSend(first);
    expectError(third, 429, 'quota_exceeded');
    expect(third.body.error.message).toContain(
      `requests per minute for this team on agent "${ECHO}" is limited to 2 requests`,
    );
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await expect(sdkSend(second, 'three')).rejects.toThrow();
    expect(agents.modern.requests.length).toBe(before);

    expect(await sdkSend(outsider, 'elsewhere')).toBe('echo: elsewhere');
  });

  it('lets a key’s own limit narrow the team’s, naming the key', async () => {
    const roomy = await team({ agent_rpm_limit: { [ECHO]: 5 } });
    const narrow = await rest.generate({
      team_id: roomy,
      metadata: { agent_rpm_limit: { [ECHO]: 1 } },
    });
    const mate = await rest.generate({ team_id: roomy });
    await awayFromMinuteEdge(10_000);

    expect(await sdkSend(narrow, 'once')).toBe('echo: once');
    const refused = await rawSend(narrow);
    expectError(refused, 429, 'quota_exceeded');
    expect(refused.body.error.message).toContain(
      `for this key on agent "${ECHO}" is limited to 1 requests`,
    );
    expect(await sdkSend(mate, 'mate')).toBe('echo: mate');
  });

  it('applies a team update to its keys at once, and refuses a bad shape with a 400', async () => {
    const teamId = await team({ agent_rpm_limit: { [ECHO]: 0 } });
    const key = await rest.generate({ team_id: teamId });
    await awayFromMinuteEdge(10_000);
    expectError(await rawSend(key), 429, 'quota_exceeded');

    const raised = await rest.admin('POST', '/team/update', {
      team_id: teamId,
      metadata: { agent_rpm_limit: { [ECHO]: 1 } },
    });
    expect(raised.status).toBe(200);
    expect(await sdkSend(key, 'raised')).toBe('echo: raised');

    for (const [path, extra] of [
      ['/team/new', {}],
      ['/team/update', { team_id: teamId }],
    ] as const) {
      const bad = await rest.admin('POST', path, {
        ...extra,
        metadata: { agent_rpm_limit: { [ECHO]: -1 } },
      });
      expectError(bad, 400, 'invalid_request');
      expect(bad.body.error.param).toBe('metadata.agent_rpm_limit');
    }
  });
});
