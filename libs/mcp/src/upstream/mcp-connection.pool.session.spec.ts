import { Logger } from '@nestjs/common';
import { eventually, McpStubServer, type McpStubOptions } from '@routeiq/testing';
import {
  serverRecord,
  upstreamHarness,
  type UpstreamHarness,
} from './__fixtures__/upstream.harness';
import { McpConnectionPool } from './mcp-connection.pool';

// The server's credentials and static headers are added by the SSRF-guarded outbound fetch only
// (the SDK transport has no headers of its own): a DELETE carrying them went through that fetch.
const AUTHED = {
  authType: 'bearer_token' as const,
  authValue: 's3cret',
  staticHeaders: { 'X-Rev': '1' },
};

describe(`${McpConnectionPool.name} (ending upstream sessions)`, () => {
  let stub: McpStubServer;
  let harness: UpstreamHarness;
  let closed: boolean;

  async function serve(options: McpStubOptions = {}): Promise<string> {
    stub = new McpStubServer({ ...options, auth: { kind: 'bearer', token: 's3cret' } });
    await stub.start();
    harness = upstreamHarness([`${stub.origin}/`]);
    closed = false;
    harness.directory.put(serverRecord('stub', stub.url, AUTHED));
    await harness.upstream.callTool('stub', 'echo', { text: 'a' });
    const sessionId = stub.received('tools/call')[0]?.headers['mcp-session-id'];
    if (typeof sessionId !== 'string') throw new Error('the stub saw no session id');
    return sessionId;
  }

  async function close(): Promise<void> {
    closed = true;
    await harness.close();
  }

  afterEach(async () => {
    jest.restoreAllMocks();
    if (!closed) await harness.close();
    await stub.stop();
  });

  it.each([
    [
      'changes',
      () =>
        harness.directory.put(
          serverRecord('stub', stub.url, { ...AUTHED, staticHeaders: { 'X-Rev': '2' } }),
        ),
    ],
    ['removes', () => harness.directory.remove('stub')],
  ])(
    'sends DELETE with the old session id and credentials when the registry %s the server',
    async (_change, change) => {
      const sessionId = await serve();

      change();
      await eventually(() => stub.openStreams === 0, 'the old connection closes');

      expect(stub.deletes).toEqual([
        {
          sessionId,
          headers: expect.objectContaining({ authorization: 'Bearer s3cret', 'x-rev': '1' }),
        },
      ]);
    },
  );

  it('sends DELETE on shutdown, for Streamable HTTP sessions only', async () => {
    const sessionId = await serve();
    harness.directory.put(serverRecord('legacy', stub.sseUrl, { ...AUTHED, transport: 'sse' }));
    await harness.upstream.callTool('legacy', 'echo', { text: 'b' });

    await harness.pool.onModuleDestroy();

    expect(stub.deletes.map((d) => d.sessionId)).toEqual([sessionId]);
    expect(stub.deletes[0]?.headers.authorization).toBe('Bearer s3cret');
  });

  it('sends no DELETE for a lost connection, and still closes', async () => {
    const lost = jest.spyOn(Logger.prototype, 'warn');
    await serve();
    await stub.listening();

    await stub.kill();
    await eventually(
      () => lost.mock.calls.some(([message]) => String(message).includes('connection lost')),
      'the pool sees the connection lost',
    );
    await stub.start();
    await close();

    expect(stub.deletes).toEqual([]);
  });

  it('sends no DELETE for a session the upstream forgot (404)', async () => {
    await serve();
    stub.forgetSessions();

    await harness.upstream.callTool('stub', 'echo', { text: 'again' });

    expect(stub.received('initialize')).toHaveLength(2);
    expect(stub.deletes).toEqual([]);
  });

  // The test timeout is below what shutdown would take without the bound (forever, for `hang`).
  it.each([['refuse' as const], ['hang' as const]])(
    'closes within the bound when the upstream answers DELETE with %s',
    async (deleteAnswer) => {
      await serve({ deleteAnswer });
      await stub.listening();

      await close();

      expect(stub.deletes).toHaveLength(1);
      expect(stub.openStreams).toBe(0);
    },
    5_000,
  );
});
