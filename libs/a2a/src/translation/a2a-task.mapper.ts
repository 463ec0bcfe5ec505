import { partToV03, partToV1 } from './a2a-part.mapper';
import { compact, hasKind, isRecord, mapArray, type JsonRecord } from './json-record.util';

const ROLES: readonly (readonly [string, string])[] = [
  ['user', 'ROLE_USER'],
  ['agent', 'ROLE_AGENT'],
];

// In the order of the 1.0 enum numbers.
const STATES: readonly (readonly [string, string])[] = [
  ['unknown', 'TASK_STATE_UNSPECIFIED'],
  ['submitted', 'TASK_STATE_SUBMITTED'],
  ['working', 'TASK_STATE_WORKING'],
  ['completed', 'TASK_STATE_COMPLETED'],
  ['failed', 'TASK_STATE_FAILED'],
  ['canceled', 'TASK_STATE_CANCELED'],
  ['input-required', 'TASK_STATE_INPUT_REQUIRED'],
  ['rejected', 'TASK_STATE_REJECTED'],
  ['auth-required', 'TASK_STATE_AUTH_REQUIRED'],
];
const STATE_NAMES = STATES.map(([, v1]) => v1);
const ROLE_NAMES = ['ROLE_UNSPECIFIED', 'ROLE_USER', 'ROLE_AGENT'];

// The states after which an agent ends the stream: terminal ones and the interrupted ones, where
// 1.0 closes the stream too (0.3 clients read `final` to stop listening).
const FINAL_STATES = new Set([
  'completed',
  'canceled',
  'failed',
  'rejected',
  'input-required',
  'auth-required',
]);

function enumToV1(value: unknown, pairs: readonly (readonly [string, string])[]): unknown {
  return pairs.find(([v03]) => v03 === value)?.[1] ?? value;
}

// protojson also accepts an enum's number; `names` lists the 1.0 names by number.
function enumToV03(
  value: unknown,
  pairs: readonly (readonly [string, string])[],
  names: readonly string[],
): unknown {
  const name = typeof value === 'number' ? (names[value] ?? value) : value;
  return pairs.find(([, v1]) => v1 === name)?.[0] ?? name;
}

/** 0.3 Message (`kind: 'message'`, role `user`) → 1.0 Message (role `ROLE_USER`). */
export function messageToV1(message: unknown): unknown {
  if (!isRecord(message)) return message;
  const { kind, role, parts, ...rest } = message;
  return compact({
    ...rest,
    kind: kind === 'message' ? undefined : kind,
    role: enumToV1(role, ROLES),
    parts: mapArray(parts, partToV1),
  });
}

export function messageToV03(message: unknown): unknown {
  if (!isRecord(message)) return message;
  const { role, parts, ...rest } = message;
  return compact({
    kind: 'message',
    ...rest,
    role: enumToV03(role, ROLES, ROLE_NAMES),
    parts: mapArray(parts, partToV03),
  });
}

export function artifactToV1(artifact: unknown): unknown {
  return mapParts(artifact, partToV1);
}

export function artifactToV03(artifact: unknown): unknown {
  return mapParts(artifact, partToV03);
}

function mapParts(artifact: unknown, map: (part: unknown) => unknown): unknown {
  if (!isRecord(artifact)) return artifact;
  return compact({ ...artifact, parts: mapArray(artifact.parts, map) });
}

function statusToV1(status: unknown): unknown {
  if (!isRecord(status)) return status;
  const { state, message, ...rest } = status;
  return compact({ ...rest, state: enumToV1(state, STATES), message: messageToV1(message) });
}

function statusToV03(status: unknown): unknown {
  if (!isRecord(status)) return status;
  // protojson omits TASK_STATE_UNSPECIFIED; 0.3 requires a state.
  const { state = 'TASK_STATE_UNSPECIFIED', message, ...rest } = status;
  return compact({
    ...rest,
    state: enumToV03(state, STATES, STATE_NAMES),
    message: messageToV03(message),
  });
}

/** 0.3 Task (`kind: 'task'`, state `completed`) → 1.0 Task (state `TASK_STATE_COMPLETED`). */
export function taskToV1(task: unknown): unknown {
  if (!isRecord(task)) return task;
  const { status, artifacts, history, ...rest } = withoutKind(task, 'task');
  return compact({
    ...rest,
    status: statusToV1(status),
    artifacts: mapArray(artifacts, artifactToV1),
    history: mapArray(history, messageToV1),
  });
}

export function taskToV03(task: unknown): unknown {
  if (!isRecord(task)) return task;
  const { status, artifacts, history, ...rest } = task;
  return compact({
    kind: 'task',
    ...rest,
    status: statusToV03(status),
    artifacts: mapArray(artifacts, artifactToV03),
    history: mapArray(history, messageToV03),
  });
}

/** 0.3 `status-update` event → 1.0 TaskStatusUpdateEvent (1.0 has no `final`: it is dropped). */
export function statusUpdateToV1(event: JsonRecord): JsonRecord {
  const { status, final: _final, ...rest } = withoutKind(event, 'status-update');
  return compact({ ...rest, status: statusToV1(status) });
}

export function statusUpdateToV03(event: JsonRecord): JsonRecord {
  const status = statusToV03(event.status);
  const state = isRecord(status) ? status.state : undefined;
  const final = typeof state === 'string' && FINAL_STATES.has(state);
  return compact({ kind: 'status-update', final, ...event, status });
}

export function artifactUpdateToV1(event: JsonRecord): JsonRecord {
  const rest = withoutKind(event, 'artifact-update');
  return compact({ ...rest, artifact: artifactToV1(rest.artifact) });
}

export function artifactUpdateToV03(event: JsonRecord): JsonRecord {
  return compact({ kind: 'artifact-update', ...event, artifact: artifactToV03(event.artifact) });
}

function withoutKind(record: JsonRecord, kind: string): JsonRecord {
  if (!hasKind(record, kind)) return record;
  const { kind: _kind, ...rest } = record;
  return rest;
}
