import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  a2aRest,
  register,
  startA2aGateway,
  startAgents,
  type A2aAgents,
  type A2aRest,
  type Body,
} from './fixtures/a2a.fixtures';
import { TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';
import { userHeaders } from './support/http';

// The A2A gateway's stream and ownership guarantees, end to end: tasks of a stream are the
// caller's before the caller sees them, a stream the agent breaks ends with a JSON-RPC error
// event, contexts belong to the key that started them, and an agent registered again under the
// same id does not inherit the old registration's tasks.

type Rpc = { jsonrpc: '2.0'; id: number | string; result?: Body; error?: Body };

/** A 1.0 user message as raw JSON-RPC carries it. */
function message(text: string, extra: Body = {}): Body {
  return { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text }], ...extra };
}

function rpc(method: string, params: unknown, id: number | string = 1): Body {
  return { jsonrpc: '2.0', id, method, params };
}

/** The JSON-RPC messages of an event stream's `data:` events. */
function streamMessages(text: string): Rpc[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data) as Rpc);
}

/**
 * A raw node:http A2A 1.0 agent whose streams go wrong on purpose, after one task event: `drop`
 * cuts the connection, `stall` goes silent (the gateway's idle timeout ends it). No card: it is
 * registered seed-style, by name and endpoint.
 */
class BreakingAgent {
  readonly methods: string[] = [];
  private server: Server | undefined;

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Rpc & {
      method: string;
      params: { message: { parts: Array<{ text: string }> } };
    };
    this.methods.push(request.method);
    const task = {
      id: randomUUID(),
      contextId: randomUUID(),
      status: { state: 'TASK_STATE_WORKING' },
    };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { task } });
    const mode = request.params.message.parts[0]?.text;
    res.write(`data: ${event}\n\n`, () => {
      if (mode === 'drop') res.socket?.destroy();
    });
  }
}

describe('A2A streams and ownership', () => {
  let agents: A2aAgents;
  let breaker: BreakingAgent;
  let gw: TestGateway;
  let rest: A2aRest;

  /** `POST /a2a/{agentId}` as `key`; resolves once the response headers arrived. */
  function post(agentId: string, body: Body, key = TEST_MASTER_KEY): Promise<Response> {
    return fetch(`${gw.url}/a2a/${agentId}`, {
      method: 'POST',
      headers: { ...userHeaders(key), 'a2a-version': '1.0' },
      body: JSON.stringify(body),
    });
  }

  async function call(agentId: string, body: Body, key = TEST_MASTER_KEY): Promise<Rpc> {
    return (await (await post(agentId, body, key)).json()) as Rpc;
  }

  beforeAll(async () => {
    agents = await startAgents();
    breaker = new BreakingAgent();
    await breaker.start();
    const origins = [agents.modern.origin, agents.legacy.origin, breaker.origin];
    gw = await startA2aGateway(agents, {
      LLMROUTER_OUTBOUND_URL_ALLOWLIST: origins.map((origin) => `${origin}/`).join(','),
    });
    rest = a2aRest(gw);
    await register(rest, agents.modern);
    const seedStyle = await rest.admin('POST', '/a2a/agents', {
      agent_id: 'breaker',
      name: 'Breaker',
      url: `${breaker.origin}/rpc`,
      protocol_version: '1.0',
      timeout_ms: 1000,
    });
    if (seedStyle.status !== 201) throw new Error(JSON.stringify(seedStyle.body));
  });

  afterAll(async () => {
    await gw?.close();
    await breaker?.stop();
    await agents?.close();
  });

  it('answers a GetTask sent the instant the first stream event arrives', async () => {
    const res = await post(
      'echo-agent',
      rpc('SendStreamingMessage', { message: message('stream 3') }),
    );
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const decoder = new TextDecoder();
    let text = '';
    let taskId: string | undefined;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      const first = streamMessages(text)[0];
      if (!first) continue;
      taskId = (first.result?.task as { id: string } | undefined)?.id;
      break;
    }
    expect(taskId).toEqual(expect.any(String));

    const got = await call('echo-agent', rpc('GetTask', { id: taskId }, 2));

    expect(got.error).toBeUndefined();
    expect(got.result).toMatchObject({ id: taskId });
    await agents.modern.waitFor(() => agents.modern.tasks.finished.has(taskId!));
  });

  it('ends a stream the agent cuts off with a JSON-RPC internal-error event', async () => {
    const res = await post(
      'breaker',
      rpc('SendStreamingMessage', { message: message('drop') }, 'r-7'),
    );

    const events = streamMessages(await res.text());

    expect(res.status).toBe(200);
    expect(events).toHaveLength(2);
    expect(events[0]?.result).toMatchObject({ task: { id: expect.any(String) as unknown } });
    expect(events[1]).toEqual({
      jsonrpc: '2.0',
      id: 'r-7',
      error: { code: -32603, message: "The agent's event stream broke off before it ended" },
    });
  });

  it('ends a stream the agent stops feeding with a timed-out error event', async () => {
    const res = await post(
      'breaker',
      rpc('SendStreamingMessage', { message: message('stall') }, 8),
    );

    const events = streamMessages(await res.text());

    expect(events.at(-1)).toEqual({
      jsonrpc: '2.0',
      id: 8,
      error: { code: -32603, message: "The agent's event stream timed out" },
    });
  });

  it('refuses a contextId another key owns, and gives a new one to the key that names it first', async () => {
    const otherKey = await rest.generate();
    const started = await call('echo-agent', rpc('SendMessage', { message: message('hello') }));
    const contextId = (started.result?.message as { contextId?: string } | undefined)?.contextId;
    expect(contextId).toEqual(expect.any(String));
    const sent = agents.modern.methods.length;

    const intruder = await call(
      'echo-agent',
      rpc('SendMessage', { message: message('me too', { contextId }) }, 3),
      otherKey,
    );
    expect(intruder).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32602, message: `Unknown contextId: ${JSON.stringify(contextId)}` },
    });
    expect(agents.modern.methods.length).toBe(sent);
    const owner = await call(
      'echo-agent',
      rpc('SendMessage', { message: message('again', { contextId }) }),
    );
    expect(owner.error).toBeUndefined();

    const fresh = randomUUID();
    const first = await call(
      'echo-agent',
      rpc('SendMessage', { message: message('mine', { contextId: fresh }) }),
      otherKey,
    );
    expect(first.error).toBeUndefined();
    const late = await call(
      'echo-agent',
      rpc('SendMessage', { message: message('x', { contextId: fresh }) }),
    );
    expect(late.error).toMatchObject({ code: -32602 });
  });

  it('forgets the tasks of a deleted agent: registered again, its old task ids are not found', async () => {
    const done = await call('echo-agent', rpc('SendMessage', { message: message('stream 1') }));
    const taskId = (done.result?.task as { id: string } | undefined)?.id;
    expect((await call('echo-agent', rpc('GetTask', { id: taskId }))).result).toMatchObject({
      id: taskId,
    });

    expect((await rest.admin('DELETE', '/a2a/agents/echo-agent')).status).toBe(200);
    await register(rest, agents.modern);
    const asked = agents.modern.methods.filter((method) => method === 'GetTask').length;

    const after = await call('echo-agent', rpc('GetTask', { id: taskId }, 5));

    expect(after).toEqual({
      jsonrpc: '2.0',
      id: 5,
      error: { code: -32001, message: `Task not found: ${taskId}` },
    });
    // The agent still has the task: the gateway answered without asking it.
    expect(agents.modern.methods.filter((method) => method === 'GetTask')).toHaveLength(asked);
  });
});
