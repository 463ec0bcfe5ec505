import type { A2aVersion } from './a2a-method.mapper';
import {
  pushConfigListToV03,
  pushConfigListToV1,
  taskPushConfigToV03,
  taskPushConfigToV1,
} from './a2a-push-config.mapper';
import {
  artifactUpdateToV03,
  artifactUpdateToV1,
  messageToV03,
  messageToV1,
  statusUpdateToV03,
  statusUpdateToV1,
  taskToV03,
  taskToV1,
} from './a2a-task.mapper';
import { isRecord, type JsonRecord } from './json-record.util';

type Translate = (result: unknown) => unknown;

interface ResultMapper {
  readonly toV1: Translate;
  readonly toV03: Translate;
}

const EVENT: ResultMapper = { toV1: eventToV1, toV03: eventToV03 };
const TASK: ResultMapper = { toV1: taskToV1, toV03: taskToV03 };
const PUSH_CONFIG: ResultMapper = { toV1: taskPushConfigToV1, toV03: taskPushConfigToV03 };

const MAPPERS: Readonly<Record<string, ResultMapper>> = {
  // SendMessage answers 1.0 `{task}` | `{message}`, 0.3 a bare Task or Message: the stream wrappers.
  SendMessage: EVENT,
  SendStreamingMessage: EVENT,
  SubscribeToTask: EVENT,
  GetTask: TASK,
  CancelTask: TASK,
  CreateTaskPushNotificationConfig: PUSH_CONFIG,
  GetTaskPushNotificationConfig: PUSH_CONFIG,
  ListTaskPushNotificationConfigs: { toV1: pushConfigListToV1, toV03: pushConfigListToV03 },
};

/** Translates the result of `method1_0` between versions; unknown methods or shapes pass unchanged. */
export function mapResult(method1_0: string, result: unknown, to: A2aVersion): unknown {
  const mapper = MAPPERS[method1_0];
  if (mapper === undefined) return result;
  return to === '1.0' ? mapper.toV1(result) : mapper.toV03(result);
}

/** A bare 0.3 event (Task, Message, status-update, artifact-update) → its 1.0 StreamResponse wrapper. */
export function eventToV1(event: unknown): unknown {
  if (!isRecord(event)) return event;
  switch (v03Kind(event)) {
    case 'task':
      return { task: taskToV1(event) };
    case 'message':
      return { message: messageToV1(event) };
    case 'status-update':
      return { statusUpdate: statusUpdateToV1(event) };
    case 'artifact-update':
      return { artifactUpdate: artifactUpdateToV1(event) };
    default:
      return event;
  }
}

/** A 1.0 StreamResponse `{task|message|statusUpdate|artifactUpdate}` → the bare 0.3 event. */
export function eventToV03(event: unknown): unknown {
  if (!isRecord(event) || 'kind' in event) return event;
  if (isRecord(event.task)) return taskToV03(event.task);
  if (isRecord(event.message)) return messageToV03(event.message);
  if (isRecord(event.statusUpdate)) return statusUpdateToV03(event.statusUpdate);
  if (isRecord(event.artifactUpdate)) return artifactUpdateToV03(event.artifactUpdate);
  return event;
}

// 0.3 requires `kind`; agents that leave it out are recognised by their required fields.
function v03Kind(event: JsonRecord): unknown {
  if (event.kind !== undefined) return event.kind;
  if ('taskId' in event && 'status' in event) return 'status-update';
  if ('taskId' in event && 'artifact' in event) return 'artifact-update';
  if ('id' in event && 'status' in event) return 'task';
  if ('messageId' in event && 'parts' in event) return 'message';
  return undefined;
}
