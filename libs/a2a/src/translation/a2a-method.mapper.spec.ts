import {
  isV1JsonRpcMethod,
  legacyJsonRpcToV1Method,
  v1MethodToLegacyJsonRpc,
} from '@a2a-js/sdk/compat/v0_3';
import { canonicalMethod, methodVersion, translateMethod } from './a2a-method.mapper';

const PAIRS: readonly (readonly [string, string])[] = [
  ['SendMessage', 'message/send'],
  ['SendStreamingMessage', 'message/stream'],
  ['GetTask', 'tasks/get'],
  ['CancelTask', 'tasks/cancel'],
  ['SubscribeToTask', 'tasks/resubscribe'],
  ['CreateTaskPushNotificationConfig', 'tasks/pushNotificationConfig/set'],
  ['GetTaskPushNotificationConfig', 'tasks/pushNotificationConfig/get'],
  ['ListTaskPushNotificationConfigs', 'tasks/pushNotificationConfig/list'],
  ['DeleteTaskPushNotificationConfig', 'tasks/pushNotificationConfig/delete'],
  ['GetExtendedAgentCard', 'agent/getAuthenticatedExtendedCard'],
];

describe('translateMethod', () => {
  it.each(PAIRS)('maps %s <-> %s both ways', (v1, v03) => {
    expect(translateMethod(v1, '1.0', '0.3')).toBe(v03);
    expect(translateMethod(v03, '0.3', '1.0')).toBe(v1);
  });

  it('agrees with the official SDK tables', () => {
    for (const [v1, v03] of PAIRS) {
      expect(legacyJsonRpcToV1Method(v03)).toBe(v1);
      expect(v1MethodToLegacyJsonRpc(v1)).toBe(v03);
    }
    expect(isV1JsonRpcMethod('ListTasks')).toBe(true);
  });

  it('has no 0.3 name for ListTasks', () => {
    expect(translateMethod('ListTasks', '1.0', '0.3')).toBeUndefined();
  });

  it('answers undefined for an unknown method across versions', () => {
    expect(translateMethod('tasks/list', '0.3', '1.0')).toBeUndefined();
    expect(translateMethod('DoSomething', '1.0', '0.3')).toBeUndefined();
  });

  it('is the identity between equal versions, even for extension methods', () => {
    expect(translateMethod('message/send', '0.3', '0.3')).toBe('message/send');
    expect(translateMethod('x/custom', '0.3', '0.3')).toBe('x/custom');
  });

  it('reads the singular list alias as the plural 1.0 method', () => {
    expect(translateMethod('ListTaskPushNotificationConfig', '1.0', '0.3')).toBe(
      'tasks/pushNotificationConfig/list',
    );
  });
});

describe('canonicalMethod', () => {
  it('names a 1.0 or 0.3 method by its 1.0 name', () => {
    expect(canonicalMethod('GetTask')).toBe('GetTask');
    expect(canonicalMethod('tasks/get')).toBe('GetTask');
    expect(canonicalMethod('ListTasks')).toBe('ListTasks');
    expect(canonicalMethod('ListTaskPushNotificationConfig')).toBe(
      'ListTaskPushNotificationConfigs',
    );
  });

  it('is undefined for unknown methods', () => {
    expect(canonicalMethod('tasks/list')).toBeUndefined();
    expect(canonicalMethod('')).toBeUndefined();
    expect(canonicalMethod('sendMessage')).toBeUndefined();
  });
});

describe('methodVersion', () => {
  it('tells which version names a method', () => {
    expect(methodVersion('SendMessage')).toBe('1.0');
    expect(methodVersion('ListTasks')).toBe('1.0');
    expect(methodVersion('message/send')).toBe('0.3');
    expect(methodVersion('tasks/pushNotificationConfig/delete')).toBe('0.3');
    expect(methodVersion('tasks/list')).toBeUndefined();
    expect(methodVersion('constructor')).toBeUndefined();
  });
});
