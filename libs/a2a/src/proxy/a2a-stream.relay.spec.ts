import { InMemoryExpiringStore } from '@routeiq/coordination';
import { ServerResponse } from 'node:http';
import { A2aRpcCode } from '../a2a.exception';
import { formatSseEvent, SseParser } from './a2a-sse.parser';
import {
  A2A_STREAM_BROKE_MESSAGE,
  A2A_STREAM_FAILED_MESSAGE,
  A2A_STREAM_TIMED_OUT_MESSAGE,
  A2aStreamRelay,
} from './a2a-stream.relay';
import { A2aProxyHarness, agentRecord } from './__fixtures__/a2a-proxy.harness';
import { FakeA2aAgent, gate, openStream, resultEvent } from './__fixtures__/fake-a2a-agent';

/** Notes each owner record it writes, in order with the gateway's writes to its clients. */
class LoggingStore extends InMemoryExpiringStore {
  constructor(
    private readonly log: string[],
    private readonly failing = false,
  ) {
    super();
  }
  override async claim(namespace: string, id: string, value: string, ttl: number) {
    if (this.failing) throw new Error('store down');
    const claimed = await super.claim(namespace, id, value, ttl);
    this.log.push(`claimed ${namespace} ${id.split(':').at(-1)}`);
    return claimed;
  }
}

let taskCount = 0;

function streamRequest(message: Record<string, unknown> = {}, method = 'SendStreamingMessage') {
  const base = { messageId: 'm-1', role: 'ROLE_USER', parts: [{ text: 'hi' }] };
  return { jsonrpc: '2.0', id: 'req-9', method, params: { message: { ...base, ...message } } };
}

/** The JSON-RPC messages of an event stream (undefined for an event that is not JSON). */
function messagesOf(text: string): unknown[] {
  return new SseParser().push(text).map((event) => {
    try {
      return JSON.parse(event.data) as unknown;
    } catch {
      return undefined;
    }
  });
}

function errorEvent(message: string, id: unknown = 'req-9') {
  return { jsonrpc: '2.0', id, error: { code: A2aRpcCode.InternalError, message } };
}

describe(A2aStreamRelay.name, () => {
  const agent = new FakeA2aAgent();
  const log: string[] = [];
  let gateway: A2aProxyHarness;
  let task: { id: string; contextId: string; status: { state: string } };

  beforeAll(async () => {
    await agent.start();
    gateway = new A2aProxyHarness(`${agent.url}/`, undefined, new LoggingStore(log));
    await gateway.start();
  });

  beforeEach(() => {
    taskCount += 1;
    task = { id: `st-${taskCount}`, contextId: `ctx-${taskCount}`, status: { state: 'WORKING' } };
    log.length = 0;
    gateway.directory.agents.set('echo', agentRecord('echo', `${agent.url}/rpc`));
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await gateway.stop();
    await agent.stop();
  });

  /** Logs each write of the gateway to a client that carries `needle`. */
  function logGatewayWrites(needle: string): void {
    const write = ServerResponse.prototype.write;
    jest.spyOn(ServerResponse.prototype, 'write').mockImplementation(function (
      this: ServerResponse,
      ...args: Parameters<ServerResponse['write']>
    ) {
      const toClient = this.req.url?.startsWith('/a2a/') ?? false;
      if (toClient && String(args[0]).includes(needle)) log.push(`wrote ${needle}`);
      return write.apply(this, args);
    } as ServerResponse['write']);
  }

  it('records the tasks and contexts of an event before the client gets its bytes', async () => {
    logGatewayWrites(task.id);
    agent.handler = (call, res) => {
      openStream(res);
      res.end(resultEvent(call.body.id, { task }));
    };

    const reply = await gateway.post('echo', streamRequest(), { 'x-test-key': 'streamer' });

    expect(reply.text).toBe(resultEvent('req-9', { task }));
    expect(log).toEqual([
      `claimed a2a-task ${task.id}`,
      `claimed a2a-context ${task.contextId}`,
      `wrote ${task.id}`,
    ]);
    const owner = { 'x-test-key': 'streamer' };
    const getTask = { jsonrpc: '2.0', id: 2, method: 'GetTask', params: { id: task.id } };
    agent.handler = (_call, res) => {
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 2, result: task }));
    };
    expect((await gateway.post('echo', getTask, owner)).json.result).toEqual(task);
    const intruder = await gateway.post('echo', streamRequest({ contextId: task.contextId }));
    expect(intruder.json.error).toMatchObject({ code: A2aRpcCode.InvalidParams });
  });

  it('passes bytes through unchanged whatever the chunk boundaries', async () => {
    const wire = `: hello\n${resultEvent(1, { task })}${resultEvent(1, { statusUpdate: task })}`;
    agent.handler = async (_call, res) => {
      openStream(res);
      for (let at = 0; at < wire.length; at += 7) {
        if (!res.write(wire.slice(at, at + 7))) await new Promise((r) => res.once('drain', r));
      }
      res.end();
    };

    const reply = await gateway.post('echo', streamRequest());

    expect(reply.text).toBe(wire);
    expect(log.filter((line) => line.startsWith('claimed a2a-task'))).toEqual([
      `claimed a2a-task ${task.id}`,
    ]);
  });

  it('ends a stream the agent breaks off with a -32603 error event for the request id', async () => {
    agent.handler = (call, res) => {
      openStream(res);
      res.write(resultEvent(call.body.id, { task }), () => res.socket?.destroy());
    };

    const reply = await gateway.post('echo', streamRequest());

    expect(reply.status).toBe(200);
    expect(messagesOf(reply.text)).toEqual([
      { jsonrpc: '2.0', id: 'req-9', result: { task } },
      errorEvent(A2A_STREAM_BROKE_MESSAGE),
    ]);
    expect(gateway.callCounts()['echo SendStreamingMessage upstream_error']).toBeGreaterThan(0);
  });

  it('closes an event the agent left half-written before the error event', async () => {
    const half = `data: {"jsonrpc":"2.0","id":"req-9","result":{"task":{"id":"${task.id}"`;
    agent.handler = (_call, res) => {
      openStream(res);
      res.write(half, () => res.socket?.destroy());
    };

    const reply = await gateway.post('echo', streamRequest());

    expect(reply.text.startsWith(`${half}\n\n`)).toBe(true);
    expect(messagesOf(reply.text)).toEqual([undefined, errorEvent(A2A_STREAM_BROKE_MESSAGE)]);
  });

  it('ends an idle stream past the agent timeout with the timed-out error event', async () => {
    gateway.directory.agents.set(
      'slow',
      agentRecord('slow', `${agent.url}/rpc`, { timeoutMs: 50 }),
    );
    agent.handler = (call, res) => {
      openStream(res);
      res.write(resultEvent(call.body.id, { task })); // then silence, the connection kept open
    };

    const reply = await gateway.post('slow', streamRequest());

    expect(messagesOf(reply.text).at(-1)).toEqual(errorEvent(A2A_STREAM_TIMED_OUT_MESSAGE));
  });

  it('sends the error event in the caller’s version when it translates, after whole events only', async () => {
    agent.handler = (call, res) => {
      openStream(res);
      const half = `data: {"jsonrpc":"2.0","id":1,"result":{"statusUpdate":{"taskId":"${task.id}"`;
      res.write(resultEvent(call.body.id, { task }) + half, () => res.socket?.destroy());
    };
    const v03 = { kind: 'message', messageId: 'm', role: 'user', parts: [] };

    const reply = await gateway.post('echo', {
      jsonrpc: '2.0',
      id: 41,
      method: 'message/stream',
      params: { message: v03 },
    });

    const messages = messagesOf(reply.text);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ id: 41, result: { kind: 'task', id: task.id } });
    expect(messages[1]).toEqual(errorEvent(A2A_STREAM_BROKE_MESSAGE, 41));
  });

  it('writes no error event to a client that went away', async () => {
    logGatewayWrites(String(A2aRpcCode.InternalError));
    const upstreamClosed = gate();
    agent.handler = (call, res) => {
      openStream(res);
      res.write(resultEvent(call.body.id, { task }));
      res.on('close', upstreamClosed.open);
    };

    const res = await gateway.open('echo', streamRequest());
    await new Promise((resolve) => res.once('data', resolve));
    res.destroy();
    await upstreamClosed.promise;
    await expect(
      (async () => {
        for (let tries = 0; tries < 100; tries++) {
          if (gateway.callCounts()['echo SendStreamingMessage cancelled']) return true;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return false;
      })(),
    ).resolves.toBe(true);

    expect(log.filter((line) => line.startsWith('wrote'))).toEqual([]);
  });

  it('ends the stream with an error event when the gateway cannot record the caller’s tasks', async () => {
    const broken = new A2aProxyHarness(`${agent.url}/`, undefined, new LoggingStore([], true));
    broken.directory.agents.set('echo', agentRecord('echo', `${agent.url}/rpc`));
    await broken.start();
    agent.handler = (call, res) => {
      openStream(res);
      res.end(resultEvent(call.body.id, { task }));
    };
    try {
      const reply = await broken.post('echo', streamRequest());

      // Not even the event: the client must not learn a task it could not then read.
      expect(messagesOf(reply.text)).toEqual([errorEvent(A2A_STREAM_FAILED_MESSAGE)]);

      // An event whose first bytes went out before the failure is closed before the error.
      const rest = gate();
      const head = `data: {"jsonrpc":"2.0","id":"req-9","result":{"task":`;
      agent.handler = async (_call, res) => {
        openStream(res);
        res.write(head);
        await rest.promise;
        res.end(`${JSON.stringify(task)}}}\n\n`);
      };
      const res = await broken.open('echo', streamRequest());
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      await new Promise((resolve) => res.once('data', resolve));
      rest.open();
      await new Promise((resolve) => res.once('end', resolve));
      expect(text).toBe(
        `${head}\n\n${formatSseEvent({ data: JSON.stringify(errorEvent(A2A_STREAM_FAILED_MESSAGE)) })}`,
      );
    } finally {
      await broken.stop();
    }
  });
});
