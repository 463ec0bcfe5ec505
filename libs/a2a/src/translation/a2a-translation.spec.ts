import { StreamResponse } from '@a2a-js/sdk';
import { legacyPushNotificationToV1StreamResponse } from '@a2a-js/sdk/compat/v0_3';
import {
  v03AgentMessage,
  v03ArtifactUpdate,
  v03Calls,
  v03PushConfig,
  v03StatusUpdate,
  v03StreamEvents,
  v03Task,
  v03UserMessage,
} from './__fixtures__/a2a-v03.fixtures';
import { canonicalMethod, translateParams, translateResult, translateStreamEvent } from './index';

const v1AgentMessage = {
  messageId: 'm-2',
  role: 'ROLE_AGENT',
  taskId: 't-1',
  contextId: 'ctx-1',
  parts: [{ text: 'Done.' }],
};

describe('translateParams', () => {
  it('turns a 0.3 message/send into 1.0 SendMessage params', () => {
    const params = v03Calls[0]!.params;
    expect(translateParams('SendMessage', params, '0.3', '1.0')).toEqual({
      message: {
        messageId: 'm-1',
        role: 'ROLE_USER',
        contextId: 'ctx-1',
        parts: [
          { text: 'Summarise the attached report' },
          { url: 'https://files.example/r.pdf', mediaType: 'application/pdf', filename: 'r.pdf' },
          { raw: 'aGVsbG8=', mediaType: 'text/plain' },
          { data: { pages: [1, 2] }, metadata: { source: 'form' } },
          { data: [1, 2, 3] },
        ],
        metadata: { 'x-trace': 'abc' },
        extensions: ['https://ext.example/v1'],
        referenceTaskIds: ['t-0'],
      },
      configuration: {
        acceptedOutputModes: ['text/plain'],
        historyLength: 2,
        returnImmediately: false,
        taskPushNotificationConfig: {
          id: 'cfg-1',
          url: 'https://hooks.example/a2a',
          token: 'tok',
          authentication: { scheme: 'Bearer', credentials: 'secret' },
        },
      },
      metadata: { origin: 'test' },
    });
  });

  it('turns 1.0 SendMessage params into 0.3, wrapping a non-object data part', () => {
    const params = {
      tenant: 'acme',
      message: { messageId: 'm-9', role: 1, parts: [{ data: 'plain' }, { text: 'hi' }] },
      configuration: { returnImmediately: true },
    };
    expect(translateParams('SendMessage', params, '1.0', '0.3')).toEqual({
      tenant: 'acme',
      message: {
        kind: 'message',
        messageId: 'm-9',
        role: 'user',
        parts: [
          { kind: 'data', data: { value: 'plain' }, metadata: { data_part_compat: true } },
          { kind: 'text', text: 'hi' },
        ],
      },
      configuration: { blocking: false },
    });
  });

  it('keeps GetTask historyLength and reads a 1.0 resource name as the 0.3 id', () => {
    expect(translateParams('tasks/get', { id: 't-1', historyLength: 3 }, '0.3', '1.0')).toEqual({
      id: 't-1',
      historyLength: 3,
    });
    expect(
      translateParams('GetTask', { name: 'tasks/t-7', historyLength: 0 }, '1.0', '0.3'),
    ).toEqual({ id: 't-7', historyLength: 0 });
  });

  it('renames the push-config references both ways', () => {
    const v03 = { id: 't-1', pushNotificationConfigId: 'cfg-1' };
    const v1 = { taskId: 't-1', id: 'cfg-1' };
    expect(translateParams('GetTaskPushNotificationConfig', v03, '0.3', '1.0')).toEqual(v1);
    expect(translateParams('DeleteTaskPushNotificationConfig', v1, '1.0', '0.3')).toEqual(v03);
    expect(
      translateParams('ListTaskPushNotificationConfigs', { taskId: 't-1' }, '1.0', '0.3'),
    ).toEqual({ id: 't-1' });
    expect(
      translateParams(
        'DeleteTaskPushNotificationConfig',
        { name: 'tasks/t-1/pushNotificationConfigs/cfg-1' },
        '1.0',
        '0.3',
      ),
    ).toEqual(v03);
  });

  it('flattens a 0.3 push config for CreateTaskPushNotificationConfig and nests it back', () => {
    const v1 = {
      taskId: 't-1',
      id: 'cfg-1',
      url: 'https://hooks.example/a2a',
      token: 'tok',
      authentication: { scheme: 'Bearer', credentials: 'secret' },
    };
    expect(
      translateParams('CreateTaskPushNotificationConfig', v03PushConfig, '0.3', '1.0'),
    ).toEqual(v1);
    expect(translateParams('CreateTaskPushNotificationConfig', v1, '1.0', '0.3')).toEqual(
      v03PushConfig,
    );
  });
});

describe('translateResult', () => {
  it('wraps a 0.3 message/send Task as 1.0 {task} with enum states', () => {
    const out = translateResult('SendMessage', v03Task, '0.3', '1.0') as { task: unknown };
    expect(out).toEqual({
      task: expect.objectContaining({ id: 't-1', vendorField: { kept: true } }),
    });
    expect(out.task).not.toHaveProperty('kind');
    expect(out.task).toMatchObject({
      status: { state: 'TASK_STATE_COMPLETED', message: v1AgentMessage },
      artifacts: [{ artifactId: 'a-1', parts: [{ text: 'Short summary' }] }],
    });
  });

  it('unwraps a 1.0 {message} result into a 0.3 Message with kind', () => {
    expect(translateResult('SendMessage', { message: v1AgentMessage }, '1.0', '0.3')).toEqual(
      v03AgentMessage,
    );
  });

  it('gives a 1.0 task without a state (protojson omits UNSPECIFIED) the 0.3 state unknown', () => {
    expect(
      translateResult('GetTask', { id: 't', contextId: 'c', status: {} }, '1.0', '0.3'),
    ).toEqual({ kind: 'task', id: 't', contextId: 'c', status: { state: 'unknown' } });
  });

  it('maps push-config lists: 0.3 array <-> 1.0 {configs}', () => {
    const v1 = translateResult('ListTaskPushNotificationConfigs', [v03PushConfig], '0.3', '1.0');
    expect(v1).toEqual({ configs: [expect.objectContaining({ taskId: 't-1', id: 'cfg-1' })] });
    expect(translateResult('ListTaskPushNotificationConfigs', {}, '1.0', '0.3')).toEqual([]);
  });

  it('passes results of methods it does not translate unchanged', () => {
    const card = { name: 'agent', url: 'https://a.example' };
    expect(translateResult('GetExtendedAgentCard', card, '1.0', '0.3')).toBe(card);
    expect(translateResult('ListTasks', { tasks: [] }, '1.0', '0.3')).toEqual({ tasks: [] });
    expect(translateResult('tasks/pushNotificationConfig/delete', null, '0.3', '1.0')).toBeNull();
  });
});

describe('translateStreamEvent', () => {
  it('maps 0.3 status-update <-> 1.0 statusUpdate, deriving final from the state', () => {
    const v1 = {
      statusUpdate: {
        taskId: 't-1',
        contextId: 'ctx-1',
        status: { state: 'TASK_STATE_WORKING', timestamp: '2025-01-01T00:00:00Z' },
      },
    };
    expect(translateStreamEvent(v03StatusUpdate, '0.3', '1.0')).toEqual(v1);
    expect(translateStreamEvent(v1, '1.0', '0.3')).toEqual(v03StatusUpdate);
    const done = { statusUpdate: { taskId: 't', status: { state: 'TASK_STATE_FAILED' } } };
    expect(translateStreamEvent(done, '1.0', '0.3')).toMatchObject({
      final: true,
      status: { state: 'failed' },
    });
  });

  it('maps 0.3 artifact-update <-> 1.0 artifactUpdate', () => {
    const v1 = {
      artifactUpdate: {
        taskId: 't-1',
        contextId: 'ctx-1',
        artifact: { artifactId: 'a-1', parts: [{ data: { rows: 2 } }] },
        append: true,
        lastChunk: true,
      },
    };
    expect(translateStreamEvent(v03ArtifactUpdate, '0.3', '1.0')).toEqual(v1);
    expect(translateStreamEvent(v1, '1.0', '0.3')).toEqual(v03ArtifactUpdate);
  });

  it('recognises a 0.3 event whose agent left out kind', () => {
    const { kind: _kind, ...bare } = v03StatusUpdate;
    expect(translateStreamEvent(bare, '0.3', '1.0')).toHaveProperty('statusUpdate.taskId', 't-1');
  });

  it.each(v03StreamEvents.map((event) => [event]))(
    'agrees with the SDK compat layer on %#',
    (event) => {
      const { vendorField: _v, ...known } = event as Record<string, unknown>;
      const sdk = StreamResponse.toJSON(legacyPushNotificationToV1StreamResponse(known));
      expect(translateStreamEvent(known, '0.3', '1.0')).toEqual(sdk);
    },
  );
});

describe('round trip 0.3 -> 1.0 -> 0.3', () => {
  it.each(v03Calls.map((call) => [call.method, call]))(
    'restores %s params and result',
    (_m, call) => {
      const method = canonicalMethod(call.method)!;
      const params = translateParams(method, call.params, '0.3', '1.0');
      expect(translateParams(method, params, '1.0', '0.3')).toEqual(call.params);
      const result = translateResult(method, call.result, '0.3', '1.0');
      expect(translateResult(method, result, '1.0', '0.3')).toEqual(call.result);
    },
  );

  it.each(v03StreamEvents.map((event) => [event]))('restores stream event %#', (event) => {
    const v1 = translateStreamEvent(event, '0.3', '1.0');
    expect(v1).not.toEqual(event);
    expect(translateStreamEvent(v1, '1.0', '0.3')).toEqual(event);
  });

  it('does not mutate its input', () => {
    const copy = structuredClone(v03UserMessage);
    translateParams('SendMessage', { message: v03UserMessage }, '0.3', '1.0');
    expect(v03UserMessage).toEqual(copy);
  });
});

describe('unexpected input', () => {
  const junk: unknown[] = [
    null,
    undefined,
    42,
    'text',
    [],
    [1, { kind: 'x' }],
    { kind: 'mystery' },
    { parts: 'no' },
    { message: 7 },
    { task: null },
    { statusUpdate: { status: 5 } },
    { configuration: [], message: { parts: [null, 3, { kind: 'file', file: 'x' }] } },
  ];
  const methods = [
    'SendMessage',
    'GetTask',
    'CreateTaskPushNotificationConfig',
    'GetTaskPushNotificationConfig',
    'ListTaskPushNotificationConfigs',
    'Nope',
  ];

  it('never throws, in either direction', () => {
    for (const value of junk) {
      for (const method of methods) {
        for (const [from, to] of [
          ['0.3', '1.0'],
          ['1.0', '0.3'],
        ] as const) {
          expect(() => translateParams(method, value, from, to)).not.toThrow();
          expect(() => translateResult(method, value, from, to)).not.toThrow();
        }
      }
      expect(() => translateStreamEvent(value, '0.3', '1.0')).not.toThrow();
      expect(() => translateStreamEvent(value, '1.0', '0.3')).not.toThrow();
    }
  });

  it('passes unknown shapes through unchanged', () => {
    expect(translateStreamEvent({ kind: 'mystery', a: 1 }, '0.3', '1.0')).toEqual({
      kind: 'mystery',
      a: 1,
    });
    expect(translateStreamEvent({ other: 1 }, '1.0', '0.3')).toEqual({ other: 1 });
    expect(translateParams('Nope', { a: 1 }, '0.3', '1.0')).toEqual({ a: 1 });
    const badPart = { kind: 'file', file: { path: '/etc' } };
    expect(translateParams('SendMessage', { message: { parts: [badPart] } }, '0.3', '1.0')).toEqual(
      {
        message: { parts: [badPart] },
      },
    );
  });

  it('is the identity when from equals to', () => {
    const params = { message: v03UserMessage };
    expect(translateParams('SendMessage', params, '0.3', '0.3')).toBe(params);
    expect(translateResult('GetTask', v03Task, '1.0', '1.0')).toBe(v03Task);
    expect(translateStreamEvent(v03StatusUpdate, '0.3', '0.3')).toBe(v03StatusUpdate);
  });
});
