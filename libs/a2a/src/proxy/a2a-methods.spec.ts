import {
  callerVersion,
  contextIdsIn,
  methodSpec,
  ownedIdsIn,
  pushCallbackUrl,
  referencedTaskIds,
  requestedContextId,
  taskIdsIn,
} from './a2a-methods';

describe('a2a-methods', () => {
  it('takes the caller version from A2A-Version, else from the method naming', () => {
    expect(callerVersion('1.0', 'SendMessage')).toBe('1.0');
    expect(callerVersion(undefined, 'message/send')).toBe('0.3');
    expect(callerVersion(undefined, 'SendMessage')).toBe('1.0');
    expect(() => callerVersion('2.0', 'SendMessage')).toThrow(/Unsupported A2A-Version/);
  });

  it('finds the tasks a request refers to in either version', () => {
    const push = methodSpec('GetTaskPushNotificationConfig')!;
    const send = methodSpec('SendMessage')!;
    expect(referencedTaskIds(methodSpec('GetTask')!, { id: 't' })).toEqual(['t']);
    expect(referencedTaskIds(push, { taskId: 't', id: 'config' })).toEqual(['t']);
    expect(referencedTaskIds(push, { id: 't' })).toEqual(['t']);
    expect(referencedTaskIds(send, { message: { taskId: 't' } })).toEqual(['t']);
    expect(referencedTaskIds(send, { message: {} })).toEqual([]);
    expect(referencedTaskIds(methodSpec('ListTasks')!, { id: 't' })).toEqual([]);
  });

  it('counts a message’s cited tasks (referenceTaskIds) with the task it continues, once each', () => {
    const send = methodSpec('SendStreamingMessage')!;
    const message = { taskId: 't', referenceTaskIds: ['r1', 't', '', 7, 'r2', 'r1'] };

    expect(referencedTaskIds(send, { message })).toEqual(['t', 'r1', 'r2']);
    expect(referencedTaskIds(send, { message: { taskId: '', referenceTaskIds: 'r1' } })).toEqual(
      [],
    );
  });

  it('finds the context a message send names, and none for other methods or an empty one', () => {
    const send = methodSpec('SendMessage')!;
    expect(requestedContextId(send, { message: { contextId: 'c' } })).toBe('c');
    expect(requestedContextId(send, { message: { contextId: '' } })).toBeUndefined();
    expect(requestedContextId(send, { message: 'c' })).toBeUndefined();
    expect(requestedContextId(methodSpec('GetTask')!, { message: { contextId: 'c' } })).toBe(
      undefined,
    );
  });

  it('reads context ids from 1.0 wrappers and 0.3 bare results', () => {
    expect(contextIdsIn({ task: { id: 't', contextId: 'a' } })).toEqual(['a']);
    expect(contextIdsIn({ message: { contextId: 'b' } })).toEqual(['b']);
    expect(contextIdsIn({ statusUpdate: { taskId: 't', contextId: 'c' } })).toEqual(['c']);
    expect(contextIdsIn({ artifactUpdate: { taskId: 't', contextId: 'c' } })).toEqual(['c']);
    expect(contextIdsIn({ kind: 'task', id: 't', contextId: 'd' })).toEqual(['d']);
    expect(contextIdsIn({ kind: 'message', messageId: 'm', contextId: 'e' })).toEqual(['e']);
    expect(contextIdsIn({ kind: 'message', messageId: 'm' })).toEqual([]);
    expect(ownedIdsIn({ task: { id: 't', contextId: 'a' } })).toEqual({
      tasks: ['t'],
      contexts: ['a'],
    });
  });

  it('reads task ids from 1.0 and 0.3 results and events', () => {
    expect(taskIdsIn({ task: { id: 'a' } })).toEqual(['a']);
    expect(taskIdsIn({ statusUpdate: { taskId: 'b' } })).toEqual(['b']);
    expect(taskIdsIn({ kind: 'task', id: 'c' })).toEqual(['c']);
    expect(taskIdsIn({ kind: 'status-update', taskId: 'd' })).toEqual(['d']);
    expect(taskIdsIn({ kind: 'message', messageId: 'm' })).toEqual([]);
  });

  it('finds a push callback URL flat (1.0) or nested (0.3)', () => {
    expect(pushCallbackUrl({ url: 'https://a' })).toBe('https://a');
    expect(pushCallbackUrl({ pushNotificationConfig: { url: 'https://b' } })).toBe('https://b');
    const configuration = { taskPushNotificationConfig: { url: 'https://c' } };
    expect(pushCallbackUrl({ message: {}, configuration })).toBe('https://c');
    expect(pushCallbackUrl({ message: {} })).toBeUndefined();
  });
});
