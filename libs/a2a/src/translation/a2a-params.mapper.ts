import type { A2aVersion } from './a2a-method.mapper';
import {
  pushConfigToV03,
  pushConfigToV1,
  taskPushConfigToV03,
  taskPushConfigToV1,
} from './a2a-push-config.mapper';
import { messageToV03, messageToV1 } from './a2a-task.mapper';
import { compact, isRecord, type JsonRecord } from './json-record.util';

type Translate = (params: JsonRecord) => unknown;

interface ParamsMapper {
  readonly toV1: Translate;
  readonly toV03: Translate;
}

const SEND: ParamsMapper = { toV1: sendToV1, toV03: sendToV03 };
// 0.3 names the task `id` and the config `pushNotificationConfigId`; 1.0 `taskId` and `id`.
const PUSH_BY_ID: ParamsMapper = { toV1: pushRefToV1, toV03: pushRefToV03 };
const TASK_BY_ID: ParamsMapper = { toV1: (params) => params, toV03: taskRefToV03 };

const MAPPERS: Readonly<Record<string, ParamsMapper>> = {
  SendMessage: SEND,
  SendStreamingMessage: SEND,
  GetTask: TASK_BY_ID,
  CancelTask: TASK_BY_ID,
  SubscribeToTask: TASK_BY_ID,
  CreateTaskPushNotificationConfig: { toV1: taskPushConfigToV1, toV03: taskPushConfigToV03 },
  GetTaskPushNotificationConfig: PUSH_BY_ID,
  ListTaskPushNotificationConfigs: PUSH_BY_ID,
  DeleteTaskPushNotificationConfig: PUSH_BY_ID,
};

/** Translates the params of `method1_0` between versions; unknown methods or shapes pass unchanged. */
export function mapParams(method1_0: string, params: unknown, to: A2aVersion): unknown {
  const mapper = MAPPERS[method1_0];
  if (mapper === undefined || !isRecord(params)) return params;
  return to === '1.0' ? mapper.toV1(params) : mapper.toV03(params);
}

function sendToV1(params: JsonRecord): unknown {
  const { message, configuration, ...rest } = params;
  return compact({
    ...rest,
    message: messageToV1(message),
    configuration: configToV1(configuration),
  });
}

function sendToV03(params: JsonRecord): unknown {
  const { message, configuration, ...rest } = params;
  return compact({
    ...rest,
    message: messageToV03(message),
    configuration: configToV03(configuration),
  });
}

// `blocking` (0.3) is the inverse of `returnImmediately` (1.0). Left absent when absent: 0.3 agents
// block by default in practice, as 1.0 agents do.
function configToV1(config: unknown): unknown {
  if (!isRecord(config)) return config;
  const { blocking, pushNotificationConfig, ...rest } = config;
  return compact({
    ...rest,
    taskPushNotificationConfig: pushConfigToV1(pushNotificationConfig),
    returnImmediately: typeof blocking === 'boolean' ? !blocking : blocking,
  });
}

function configToV03(config: unknown): unknown {
  if (!isRecord(config)) return config;
  const { returnImmediately, taskPushNotificationConfig, ...rest } = config;
  return compact({
    ...rest,
    pushNotificationConfig: pushConfigToV03(taskPushNotificationConfig),
    blocking: typeof returnImmediately === 'boolean' ? !returnImmediately : returnImmediately,
  });
}

// 1.0 drafts name resources (`name: "tasks/{id}"`); 0.3 only knows `id`.
function taskRefToV03(params: JsonRecord): unknown {
  if (params.id !== undefined || typeof params.name !== 'string') return params;
  const match = /^tasks\/([^/]+)$/.exec(params.name);
  if (match === null) return params;
  const { name: _name, ...rest } = params;
  return { ...rest, id: match[1] };
}

function pushRefToV1(params: JsonRecord): unknown {
  if (params.taskId !== undefined) return params;
  const { id, pushNotificationConfigId, ...rest } = params;
  return compact({ ...rest, taskId: id, id: pushNotificationConfigId });
}

function pushRefToV03(params: JsonRecord): unknown {
  const { taskId, id, ...rest } = withNameRef(params);
  if (taskId === undefined) return params;
  const configId = id === '' ? undefined : id;
  return compact({ ...rest, id: taskId, pushNotificationConfigId: configId });
}

function withNameRef(params: JsonRecord): JsonRecord {
  if (params.taskId !== undefined || typeof params.name !== 'string') return params;
  const match = /^tasks\/([^/]+)(?:\/pushNotificationConfigs\/([^/]+))?$/.exec(params.name);
  if (match === null) return params;
  const { name: _name, ...rest } = params;
  return compact({ ...rest, taskId: match[1], id: match[2] });
}
