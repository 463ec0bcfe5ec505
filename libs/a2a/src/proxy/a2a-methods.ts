import type { A2aVersion } from '../translation';
import { A2aRpcError, isRecord } from './a2a-json-rpc';

/** How the proxy treats one A2A method (named by its 1.0 name). */
export interface A2aMethodSpec {
  /** The answer is an event stream. */
  readonly streaming: boolean;
  /** Results may name tasks the caller now owns. */
  readonly createsTasks: boolean;
  /** Where the params name an existing task (checked against the caller's tasks). */
  readonly taskRef: 'message' | 'id' | 'push' | 'none';
  /** `ListTasks`: paged over the caller's own tasks (`A2aTaskLister`). */
  readonly listsTasks?: boolean;
  /** The params carry a push-notification callback URL (SSRF-checked). */
  readonly pushUrl?: boolean;
}

const UNARY = { streaming: false, createsTasks: false } as const;

const METHODS: Readonly<Record<string, A2aMethodSpec>> = {
  SendMessage: { streaming: false, createsTasks: true, taskRef: 'message', pushUrl: true },
  SendStreamingMessage: { streaming: true, createsTasks: true, taskRef: 'message', pushUrl: true },
  GetTask: { ...UNARY, taskRef: 'id' },
  CancelTask: { ...UNARY, taskRef: 'id' },
  ListTasks: { ...UNARY, taskRef: 'none', listsTasks: true },
  SubscribeToTask: { streaming: true, createsTasks: false, taskRef: 'id' },
  CreateTaskPushNotificationConfig: { ...UNARY, taskRef: 'push', pushUrl: true },
  GetTaskPushNotificationConfig: { ...UNARY, taskRef: 'push' },
  ListTaskPushNotificationConfigs: { ...UNARY, taskRef: 'push' },
  DeleteTaskPushNotificationConfig: { ...UNARY, taskRef: 'push' },
  // GetExtendedAgentCard is not forwarded: the agent would answer the gateway's own credential
  // with a card naming its real URLs and security schemes, which the served cards hide.
};

export const A2A_VERSION_HEADER = 'a2a-version';

/** The spec of a method by its 1.0 name; undefined when the proxy does not forward it. */
export function methodSpec(method1_0: string | undefined): A2aMethodSpec | undefined {
  return method1_0 === undefined ? undefined : METHODS[method1_0];
}

/**
 * The caller's protocol version: its `A2A-Version` header, else the method's naming (0.3 method
 * names contain a slash, 1.0 names are PascalCase).
 * @throws A2aRpcError -32600 for a version the gateway does not speak.
 */
export function callerVersion(header: string | undefined, method: string): A2aVersion {
  const value = header?.trim();
  if (!value) return method.includes('/') ? '0.3' : '1.0';
  if (/^1\.0(\.\d+)?$/.test(value)) return '1.0';
  if (/^0\.3(\.\d+)?$/.test(value)) return '0.3';
  throw A2aRpcError.invalidRequest(
    `Unsupported A2A-Version ${JSON.stringify(value.slice(0, 20))}: use 1.0 or 0.3`,
  );
}

/** Whether `method` is named the way `version` names its methods. */
export function namedFor(method: string, version: A2aVersion): boolean {
  return method.includes('/') === (version === '0.3');
}

/**
 * The ids of the existing tasks the params refer to: the task a method acts on, or for a message
 * send the task it continues (`message.taskId`) and the tasks it cites (`message.referenceTaskIds`,
 * the same field in 1.0 and 0.3).
 */
export function referencedTaskIds(spec: A2aMethodSpec, params: unknown): string[] {
  if (!isRecord(params)) return [];
  switch (spec.taskRef) {
    case 'message':
      return messageTaskIds(params.message);
    case 'id':
      return listOf(stringOf(params.id));
    case 'push':
      // 1.0 names the task `taskId` (and the config `id`); 0.3's get/list/delete name it `id`.
      return listOf(stringOf(params.taskId) ?? stringOf(params.id));
    case 'none':
      return [];
  }
}

/** The conversation a message send joins (`message.contextId`, both versions), if it names one. */
export function requestedContextId(spec: A2aMethodSpec, params: unknown): string | undefined {
  if (spec.taskRef !== 'message' || !isRecord(params) || !isRecord(params.message)) {
    return undefined;
  }
  return stringOf(params.message.contextId);
}

/**
 * The push-notification callback URL a request sets: a config (1.0 flat, 0.3 nested) or a message
 * send's `configuration` (1.0 `taskPushNotificationConfig`, 0.3 `pushNotificationConfig`).
 */
export function pushCallbackUrl(params: unknown): string | undefined {
  if (!isRecord(params)) return undefined;
  const holders = [params, params.pushNotificationConfig, params.config];
  const configuration = params.configuration;
  if (isRecord(configuration)) {
    holders.push(configuration.taskPushNotificationConfig, configuration.pushNotificationConfig);
  }
  for (const holder of holders) {
    const url = isRecord(holder) ? stringOf(holder.url) : undefined;
    if (url !== undefined) return url;
  }
  return undefined;
}

/**
 * Task ids a result or stream event names: 1.0 `task.id`, `statusUpdate.taskId`,
 * `artifactUpdate.taskId`, `message.taskId`; 0.3 `id` of a `kind: 'task'`, `taskId` of events.
 */
export function taskIdsIn(result: unknown): string[] {
  if (!isRecord(result)) return [];
  const ids = [
    result.kind === 'task' ? stringOf(result.id) : undefined,
    stringOf(result.taskId),
    ...['task', 'statusUpdate', 'artifactUpdate', 'message'].map((field) => {
      const inner = result[field];
      if (!isRecord(inner)) return undefined;
      return field === 'task' ? stringOf(inner.id) : stringOf(inner.taskId);
    }),
  ];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/**
 * Context ids a result or stream event names: 1.0 `task`, `message`, `statusUpdate` and
 * `artifactUpdate` `contextId`; 0.3 `contextId` of the bare object, whatever its `kind`.
 */
export function contextIdsIn(result: unknown): string[] {
  if (!isRecord(result)) return [];
  const ids = [
    stringOf(result.contextId),
    ...['task', 'message', 'statusUpdate', 'artifactUpdate'].map((field) => {
      const inner = result[field];
      return isRecord(inner) ? stringOf(inner.contextId) : undefined;
    }),
  ];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** The task and context ids a result or stream event names. */
export function ownedIdsIn(result: unknown): { tasks: string[]; contexts: string[] } {
  return { tasks: taskIdsIn(result), contexts: contextIdsIn(result) };
}

function messageTaskIds(message: unknown): string[] {
  if (!isRecord(message)) return [];
  const cited = Array.isArray(message.referenceTaskIds) ? message.referenceTaskIds : [];
  const ids = [stringOf(message.taskId), ...cited.map(stringOf)];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

function listOf(id: string | undefined): string[] {
  return id === undefined ? [] : [id];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
