import {
  callerVersion,
  methodSpec,
  pushCallbackUrl,
  referencedTaskId,
  taskIdsIn,
} from './a2a-methods';

describe('a2a-methods', () => {
  it('takes the caller version from A2A-Version, else from the method naming', () => {
    expect(callerVersion('1.0', 'SendMessage')).toBe('1.0');
    expect(callerVersion(undefined, 'message/send')).toBe('0.3');
    expect(callerVersion(undefined, 'SendMessage')).toBe('1.0');
    expect(() => callerVersion('2.0', 'SendMessage')).toThrow(/Unsupported A2A-Version/);
  });

  it('finds the task a request refers to in either version', () => {
    const push = methodSpec('GetTaskPushNotificationConfig')!;
    expect(referencedTaskId(methodSpec('GetTask')!, { id: 't' })).toBe('t');
    expect(referencedTaskId(push, { taskId: 't', id: 'config' })).toBe('t');
    expect(referencedTaskId(push, { id: 't' })).toBe('t');
    expect(referencedTaskId(methodSpec('SendMessage')!, { message: { taskId: 't' } })).toBe('t');
    expect(referencedTaskId(methodSpec('SendMessage')!, { message: {} })).toBeUndefined();
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
