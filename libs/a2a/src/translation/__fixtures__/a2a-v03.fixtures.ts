// A2A 0.3 wire shapes as 0.3 agents and the SDK's compat layer send them.

export const v03UserMessage = {
  kind: 'message',
  messageId: 'm-1',
  role: 'user',
  contextId: 'ctx-1',
  parts: [
    { kind: 'text', text: 'Summarise the attached report' },
    {
      kind: 'file',
      file: { uri: 'https://files.example/r.pdf', mimeType: 'application/pdf', name: 'r.pdf' },
    },
    { kind: 'file', file: { bytes: 'aGVsbG8=', mimeType: 'text/plain' } },
    { kind: 'data', data: { pages: [1, 2] }, metadata: { source: 'form' } },
    { kind: 'data', data: { value: [1, 2, 3] }, metadata: { data_part_compat: true } },
  ],
  metadata: { 'x-trace': 'abc' },
  extensions: ['https://ext.example/v1'],
  referenceTaskIds: ['t-0'],
};

export const v03AgentMessage = {
  kind: 'message',
  messageId: 'm-2',
  role: 'agent',
  taskId: 't-1',
  contextId: 'ctx-1',
  parts: [{ kind: 'text', text: 'Done.' }],
};

export const v03Task = {
  kind: 'task',
  id: 't-1',
  contextId: 'ctx-1',
  status: { state: 'completed', message: v03AgentMessage, timestamp: '2025-01-01T00:00:00Z' },
  artifacts: [
    {
      artifactId: 'a-1',
      name: 'summary',
      description: 'The summary',
      parts: [{ kind: 'text', text: 'Short summary' }],
      metadata: { tokens: 3 },
    },
  ],
  history: [v03UserMessage],
  metadata: { priority: 'high' },
  vendorField: { kept: true },
};

export const v03StatusUpdate = {
  kind: 'status-update',
  taskId: 't-1',
  contextId: 'ctx-1',
  status: { state: 'working', timestamp: '2025-01-01T00:00:00Z' },
  final: false,
};

export const v03FinalStatusUpdate = {
  kind: 'status-update',
  taskId: 't-1',
  contextId: 'ctx-1',
  status: { state: 'input-required', message: v03AgentMessage },
  final: true,
  metadata: { step: 2 },
};

export const v03ArtifactUpdate = {
  kind: 'artifact-update',
  taskId: 't-1',
  contextId: 'ctx-1',
  artifact: { artifactId: 'a-1', parts: [{ kind: 'data', data: { rows: 2 } }] },
  append: true,
  lastChunk: true,
};

export const v03PushConfig = {
  taskId: 't-1',
  pushNotificationConfig: {
    id: 'cfg-1',
    url: 'https://hooks.example/a2a',
    token: 'tok',
    authentication: { schemes: ['Bearer'], credentials: 'secret' },
  },
};

/** One 0.3 call per method: name, params and a result. */
export const v03Calls: readonly { method: string; params: unknown; result: unknown }[] = [
  {
    method: 'message/send',
    params: {
      message: v03UserMessage,
      configuration: {
        acceptedOutputModes: ['text/plain'],
        historyLength: 2,
        blocking: true,
        pushNotificationConfig: v03PushConfig.pushNotificationConfig,
      },
      metadata: { origin: 'test' },
    },
    result: v03Task,
  },
  { method: 'message/send', params: { message: v03UserMessage }, result: v03AgentMessage },
  { method: 'message/stream', params: { message: v03UserMessage }, result: v03StatusUpdate },
  { method: 'tasks/get', params: { id: 't-1', historyLength: 5 }, result: v03Task },
  { method: 'tasks/cancel', params: { id: 't-1', metadata: { why: 'test' } }, result: v03Task },
  { method: 'tasks/resubscribe', params: { id: 't-1' }, result: v03ArtifactUpdate },
  { method: 'tasks/pushNotificationConfig/set', params: v03PushConfig, result: v03PushConfig },
  {
    method: 'tasks/pushNotificationConfig/get',
    params: { id: 't-1', pushNotificationConfigId: 'cfg-1' },
    result: v03PushConfig,
  },
  { method: 'tasks/pushNotificationConfig/list', params: { id: 't-1' }, result: [v03PushConfig] },
  {
    method: 'tasks/pushNotificationConfig/delete',
    params: { id: 't-1', pushNotificationConfigId: 'cfg-1' },
    result: null,
  },
];

export const v03StreamEvents: readonly unknown[] = [
  v03Task,
  v03AgentMessage,
  v03StatusUpdate,
  v03FinalStatusUpdate,
  v03ArtifactUpdate,
];
