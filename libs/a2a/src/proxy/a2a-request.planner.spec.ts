import { InMemoryExpiringStore } from '@routeiq/coordination';
import { DnsHostResolver, OutboundUrlGuard, resolveOutboundConfig } from '@routeiq/security';
import { resolveA2aConfig } from '../a2a.config';
import { A2aRpcCode } from '../a2a.exception';
import { A2aRpcError, type A2aRpcRequest } from './a2a-json-rpc';
import { A2aPageTokenCodec } from './a2a-page-token.codec';
import { A2aRequestPlanner } from './a2a-request.planner';
import { A2aTaskOwnershipService } from './a2a-task-ownership.service';
import { A2aTranslator } from './a2a-translator';
import { agentRecord } from './__fixtures__/a2a-proxy.harness';

const AGENT = agentRecord('echo', 'http://127.0.0.1:9/rpc', { createdAt: new Date(1000) });
const tokens = new A2aPageTokenCodec(() => 'planner-spec-secret');

function send(message: Record<string, unknown>, method = 'SendMessage'): A2aRpcRequest {
  return {
    id: 7,
    method,
    params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [], ...message } },
  };
}

describe(A2aRequestPlanner.name, () => {
  let ownership: A2aTaskOwnershipService;
  let planner: A2aRequestPlanner;

  /** The JSON-RPC error `plan` refuses the request with. */
  async function refusal(request: A2aRpcRequest, keyId: string, agent = AGENT) {
    // No A2A-Version header: the method's naming gives the version.
    const error: unknown = await planner.plan(request, undefined, agent, keyId).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!(error instanceof A2aRpcError)) throw new Error(`not refused: ${String(error)}`);
    return { code: error.code, message: error.message };
  }

  beforeEach(async () => {
    const config = resolveA2aConfig({ A2A_GATEWAY_ENABLED: 'true' });
    ownership = new A2aTaskOwnershipService(new InMemoryExpiringStore(), config);
    const guard = new OutboundUrlGuard(resolveOutboundConfig({}), new DnsHostResolver());
    planner = new A2aRequestPlanner(new A2aTranslator(), ownership, guard, tokens);
    await ownership.claim(AGENT, { tasks: ['t-a', 't-a2'], contexts: ['c-a'] }, 'key-a');
    await ownership.claim(AGENT, { tasks: ['t-b'], contexts: ['c-b'] }, 'key-b');
  });

  it('lets a key continue its own task and cite its own tasks', async () => {
    const plan = await planner.plan(
      send({ taskId: 't-a', referenceTaskIds: ['t-a2'], contextId: 'c-a' }),
      '1.0',
      AGENT,
      'key-a',
    );

    expect(JSON.parse(plan.upstreamBody)).toMatchObject({
      method: 'SendMessage',
      params: { message: { taskId: 't-a', referenceTaskIds: ['t-a2'], contextId: 'c-a' } },
    });
  });

  it('refuses another key’s task, continued or cited, as task not found (-32001)', async () => {
    await expect(refusal(send({ taskId: 't-b' }), 'key-a')).resolves.toEqual({
      code: A2aRpcCode.TaskNotFound,
      message: 'Task not found: t-b',
    });
    await expect(
      refusal(send({ referenceTaskIds: ['t-a', 't-b'] }, 'SendStreamingMessage'), 'key-a'),
    ).resolves.toEqual({ code: A2aRpcCode.TaskNotFound, message: 'Task not found: t-b' });
    const v03 = { id: 1, method: 'message/send', params: { message: { referenceTaskIds: ['x'] } } };
    await expect(refusal(v03, 'key-a')).resolves.toMatchObject({ code: A2aRpcCode.TaskNotFound });
  });

  it('refuses a context another key owns with -32602 Unknown contextId', async () => {
    await expect(refusal(send({ contextId: 'c-b' }), 'key-a')).resolves.toEqual({
      code: A2aRpcCode.InvalidParams,
      message: 'Unknown contextId: "c-b"',
    });
    const v03 = {
      id: 1,
      method: 'message/stream',
      params: { message: { kind: 'message', contextId: 'c-a', role: 'user', parts: [] } },
    };
    await expect(refusal(v03, 'key-b')).resolves.toMatchObject({
      code: A2aRpcCode.InvalidParams,
    });
  });

  it('allows a context the gateway never saw and makes it the caller’s', async () => {
    await planner.plan(send({ contextId: 'c-new' }), '1.0', AGENT, 'key-b');

    await expect(refusal(send({ contextId: 'c-new' }), 'key-a')).resolves.toMatchObject({
      code: A2aRpcCode.InvalidParams,
    });
    await expect(
      planner.plan(send({ contextId: 'c-new' }), '1.0', AGENT, 'key-b'),
    ).resolves.toBeDefined();
  });

  it('claims no context for a request it refuses', async () => {
    await refusal(send({ taskId: 't-b', contextId: 'c-fresh' }), 'key-a');

    await expect(ownership.joinContext(AGENT, 'c-fresh', 'key-b')).resolves.toBe(true);
  });

  it('checks tasks against this registration of the agent only', async () => {
    const reRegistered = { ...AGENT, createdAt: new Date(2000) };

    await expect(
      refusal({ id: 1, method: 'GetTask', params: { id: 't-a' } }, 'key-a', reRegistered),
    ).resolves.toMatchObject({ code: A2aRpcCode.TaskNotFound });
    await expect(
      planner.plan({ id: 1, method: 'GetTask', params: { id: 't-a' } }, '1.0', AGENT, 'key-a'),
    ).resolves.toBeDefined();
  });
});
