import { request, type ServerResponse } from 'node:http';
import { A2aRpcCode } from '../a2a.exception';
import { A2A_LIST_TASKS_MAX_UPSTREAM_PAGES } from './a2a-task-listing';
import { A2aTaskLister } from './a2a-task.lister';
import { A2aProxyHarness, agentRecord } from './__fixtures__/a2a-proxy.harness';
import { answer, FakeA2aAgent, gate, type ReceivedCall } from './__fixtures__/fake-a2a-agent';

const AGENT = agentRecord('lister', 'http://placeholder/', { createdAt: new Date(7000) });

interface ListParams {
  contextId?: string;
  pageSize?: number;
  pageToken?: string;
}

/**
 * The agent's listing: `tasks` in order, pages of `pageSize` (default 50) from an offset token
 * `o<n>`, as an A2A 1.0 agent answers `ListTasks` (its total counts every key's tasks).
 */
function listingAgent(tasks: readonly string[]) {
  return (call: ReceivedCall, res: ServerResponse): void => {
    const params = call.body.params as ListParams;
    const offset = params.pageToken ? Number(params.pageToken.slice(1)) : 0;
    const size = params.pageSize ?? 50;
    const page = tasks.slice(offset, offset + size);
    const more = offset + size < tasks.length;
    answer(res, call.body.id, {
      tasks: page.map((id) => ({
        id,
        contextId: 'c-1',
        status: { state: 'TASK_STATE_COMPLETED' },
      })),
      nextPageToken: more ? `o${offset + size}` : '',
      pageSize: size,
      totalSize: tasks.length,
    });
  };
}

const listTasks = (params: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id: 'list-1',
  method: 'ListTasks',
  params,
});

interface ListResult {
  tasks: Array<{ id: string }>;
  nextPageToken: string;
  pageSize: number;
  totalSize?: number;
}

describe(A2aTaskLister.name, () => {
  const agent = new FakeA2aAgent();
  let gateway: A2aProxyHarness;
  // Key a's tasks a1..a5 among key b's, over several of the agent's pages.
  const tasks = ['b1', 'a1', 'b2', 'b3', 'a2', 'a3', 'b4', 'b5', 'b6', 'a4', 'b7', 'a5', 'b8'];

  async function list(key: string, params: Record<string, unknown>) {
    const reply = await gateway.post('lister', listTasks(params), { 'x-test-key': key });
    expect(reply.status).toBe(200);
    return reply.json;
  }

  beforeAll(async () => {
    await agent.start();
    gateway = new A2aProxyHarness(`${agent.url}/`);
    await gateway.start();
    gateway.directory.agents.set('lister', { ...AGENT, url: `${agent.url}/rpc` });
    for (const id of tasks) {
      const owner = id.startsWith('a') ? 'key-a' : 'key-b';
      await gateway.ownership.claim(AGENT, { tasks: [id], contexts: [] }, owner);
    }
  });

  beforeEach(() => {
    agent.calls.length = 0;
    agent.handler = listingAgent(tasks);
  });

  afterAll(async () => {
    await gateway.stop();
    await agent.stop();
  });

  it('pages through the caller’s own tasks: each once, in order, tokens resuming mid-page', async () => {
    const seen: string[] = [];
    const pages: ListResult[] = [];
    let pageToken: string | undefined;
    do {
      const params = { contextId: 'c-1', pageSize: 2, ...(pageToken && { pageToken }) };
      const result = (await list('key-a', params)).result as ListResult;
      pages.push(result);
      seen.push(...result.tasks.map((task) => task.id));
      pageToken = result.nextPageToken || undefined;
    } while (pageToken && pages.length < 10);

    expect(seen).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(pages.map((page) => page.tasks.length)).toEqual([2, 2, 1]);
    expect(pages.every((page) => page.pageSize === 2)).toBe(true);
    // Never the agent's count of every key's tasks, and no count without the whole listing.
    expect(pages.map((page) => page.totalSize)).toEqual([undefined, undefined, undefined]);
    expect(pages[0]!.nextPageToken).toMatch(/^rq1\./);
    // Every read of the agent kept the caller's filter and sent the agent's own tokens.
    const sent = agent.calls.map((call) => call.body.params as ListParams);
    expect(sent.every((params) => params.contextId === 'c-1' && params.pageSize === 2)).toBe(true);
    expect(sent.map((params) => params.pageToken ?? '')).toEqual([
      '',
      'o2',
      'o4', // a1 | a2: full
      'o4',
      'o6',
      'o8', // a3 | a4: full
      'o10',
      'o12', // a5, end
    ]);
  });

  it('answers the exact count of the caller’s tasks when one request read the whole listing', async () => {
    const result = (await list('key-a', { pageSize: 50 })).result as ListResult;

    expect(result.tasks.map((task) => task.id)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect({ ...result, tasks: [] }).toEqual({
      tasks: [],
      nextPageToken: '',
      pageSize: 50,
      totalSize: 5,
    });
    expect(agent.calls).toHaveLength(1);
  });

  it('refuses another key’s token and a forged one with -32602, without calling the agent', async () => {
    const first = (await list('key-a', { pageSize: 2 })).result as ListResult;
    expect(first.nextPageToken).not.toBe('');
    agent.calls.length = 0;

    const foreign = await list('key-b', { pageSize: 2, pageToken: first.nextPageToken });
    const otherFilter = await list('key-a', {
      pageSize: 2,
      contextId: 'c-2',
      pageToken: first.nextPageToken,
    });
    const forged = await list('key-a', { pageSize: 2, pageToken: 'o4' });

    for (const reply of [foreign, otherFilter, forged]) {
      expect(reply).toEqual({
        jsonrpc: '2.0',
        id: 'list-1',
        error: { code: A2aRpcCode.InvalidParams, message: expect.stringContaining('pageToken') },
      });
    }
    expect(agent.calls).toHaveLength(0);
    expect(gateway.callCounts()['lister ListTasks invalid']).toBe(3);
  });

  it(`reads at most ${A2A_LIST_TASKS_MAX_UPSTREAM_PAGES} agent pages per request, then hands back a token`, async () => {
    const others = Array.from({ length: 45 }, (_, i) => `b-many-${i}`);
    agent.handler = listingAgent([...others, 'a1']);

    const first = (await list('key-a', { pageSize: 2 })).result as ListResult;
    expect(agent.calls).toHaveLength(A2A_LIST_TASKS_MAX_UPSTREAM_PAGES);
    expect(first.tasks).toEqual([]);
    expect(first.nextPageToken).toMatch(/^rq1\./);
    expect(first.totalSize).toBeUndefined();

    agent.calls.length = 0;
    const second = (await list('key-a', { pageSize: 2, pageToken: first.nextPageToken }))
      .result as ListResult;
    expect((agent.calls[0]?.body.params as ListParams).pageToken).toBe('o20');
    expect(agent.calls).toHaveLength(A2A_LIST_TASKS_MAX_UPSTREAM_PAGES);
    expect(second.tasks).toEqual([]);
    const third = (await list('key-a', { pageSize: 2, pageToken: second.nextPageToken }))
      .result as ListResult;
    expect(third.tasks.map((task) => task.id)).toEqual(['a1']);
    expect(third.nextPageToken).toBe('');
    // Resumed: the gateway did not see the whole listing in one request.
    expect(third.totalSize).toBeUndefined();
  });

  it('relays an agent’s error on a later page as the answer', async () => {
    agent.handler = (call, res) => {
      if ((call.body.params as ListParams).pageToken !== 'o2')
        return listingAgent(tasks)(call, res);
      const error = { code: A2aRpcCode.InvalidParams, message: 'stale page token' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: call.body.id, error }));
    };

    const failed = await list('key-b', { pageSize: 2, contextId: 'c-1' });

    expect(failed).toEqual({
      jsonrpc: '2.0',
      id: 'list-1',
      error: { code: A2aRpcCode.InvalidParams, message: 'stale page token' },
    });
    expect(agent.calls).toHaveLength(2);
  });

  it('stops reading the agent’s pages when the client goes away', async () => {
    const held = gate();
    const upstreamClosed = gate();
    agent.handler = async (call, res) => {
      if ((call.body.params as ListParams).pageToken !== 'o2')
        return listingAgent(tasks)(call, res);
      res.on('close', upstreamClosed.open);
      await held.promise;
    };
    const before = gateway.callCounts()['lister ListTasks cancelled'] ?? 0;
    const client = request(`${gateway.url}/a2a/lister`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-key': 'key-a' },
    });
    client.on('error', () => undefined);
    client.end(JSON.stringify(listTasks({ pageSize: 2 })));
    // Key a's page needs a third agent page (o4): the client leaves while the second is read.
    await waitFor(() => agent.calls.length === 2);
    client.destroy();

    await upstreamClosed.promise;
    await waitFor(() => gateway.callCounts()['lister ListTasks cancelled'] === before + 1);
    held.open();
    expect(agent.calls.map((call) => (call.body.params as ListParams).pageToken)).toEqual([
      undefined,
      'o2',
    ]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}
