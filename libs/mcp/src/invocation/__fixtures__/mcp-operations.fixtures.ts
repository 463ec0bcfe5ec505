import { trace } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { GatewayRequest, Principal } from '@routeiq/common';
import { GatewayMetrics, GatewayTracer, setTelemetryRuntime } from '@routeiq/observability';
import type {
  AuditLogRecord,
  AuditLogStore,
  McpPermissions,
  McpServerRecord,
  TeamRecord,
  VirtualKeyRecord,
} from '@routeiq/persistence';
import {
  attachResolvedKey,
  AuditService,
  type Admission,
  type AdmissionService,
  type AuditConfig,
  type UsageEstimate,
} from '@routeiq/security';
import {
  McpCatalog,
  McpServerDirectory,
  McpUpstream,
  type McpCallOptions,
  type McpCompletionRequest,
  type McpPromptEntry,
  type McpResourceEntry,
  type McpResourceTemplateEntry,
  type McpServerHealth,
  type McpToolEntry,
} from '../../catalog/mcp-catalog.types';
import type { McpConfig } from '../../mcp.config';
import { McpCallTracker } from '../mcp-call.tracker';
import { McpOperationsService } from '../mcp-operations.service';

export function toolEntry(serverId: string, name: string, schema?: object): McpToolEntry {
  return {
    serverId,
    name,
    qualifiedName: `${serverId}.${name}`,
    inputSchema: (schema ?? { type: 'object' }) as Record<string, unknown>,
  };
}

export function serverRecord(serverId: string, fields: Partial<McpServerRecord> = {}) {
  return { serverId, enabled: true, accessGroups: [], ...fields } as McpServerRecord;
}

export class FakeDirectory extends McpServerDirectory {
  constructor(readonly servers: McpServerRecord[]) {
    super();
  }
  list(): readonly McpServerRecord[] {
    return this.servers;
  }
  get(serverId: string): McpServerRecord | undefined {
    return this.servers.find((server) => server.serverId === serverId);
  }
  onChange(): () => void {
    return () => undefined;
  }
}

/** Serves fixed listings; records the server ids each listing was asked for. */
export class FakeCatalog extends McpCatalog {
  toolList: McpToolEntry[] = [];
  resourceList: McpResourceEntry[] = [];
  templateList: McpResourceTemplateEntry[] = [];
  promptList: McpPromptEntry[] = [];
  readonly asked: Array<readonly string[] | undefined> = [];

  tools(ids?: readonly string[]): Promise<McpToolEntry[]> {
    return Promise.resolve(this.pick(this.toolList, ids));
  }
  findTool(qualified: string): Promise<McpToolEntry | undefined> {
    return Promise.resolve(this.toolList.find((tool) => tool.qualifiedName === qualified));
  }
  resources(ids?: readonly string[]): Promise<McpResourceEntry[]> {
    return Promise.resolve(this.pick(this.resourceList, ids));
  }
  resourceTemplates(ids?: readonly string[]): Promise<McpResourceTemplateEntry[]> {
    return Promise.resolve(this.pick(this.templateList, ids));
  }
  prompts(ids?: readonly string[]): Promise<McpPromptEntry[]> {
    return Promise.resolve(this.pick(this.promptList, ids));
  }
  invalidate(): void {}

  private pick<T extends { serverId: string }>(list: T[], ids?: readonly string[]): T[] {
    this.asked.push(ids);
    return list.filter((item) => !ids || ids.includes(item.serverId));
  }
}

export interface UpstreamCall {
  readonly method: string;
  readonly serverId: string;
  readonly target: string;
  readonly args?: unknown;
  readonly options?: McpCallOptions;
}

/** Records every call; `answer` decides the result (or throws; null: no completions). */
export class FakeUpstream extends McpUpstream {
  readonly calls: UpstreamCall[] = [];
  answer: (call: UpstreamCall) => Promise<Record<string, unknown> | null> = () =>
    Promise.resolve({ content: [{ type: 'text', text: 'sunny' }] });

  callTool(
    serverId: string,
    name: string,
    args: Record<string, unknown>,
    options?: McpCallOptions,
  ) {
    return this.record({ method: 'tools/call', serverId, target: name, args, options });
  }
  readResource(serverId: string, uri: string, options?: McpCallOptions) {
    return this.record({ method: 'resources/read', serverId, target: uri, options });
  }
  getPrompt(
    serverId: string,
    name: string,
    args: Record<string, string>,
    options?: McpCallOptions,
  ) {
    return this.record({ method: 'prompts/get', serverId, target: name, args, options });
  }
  complete(serverId: string, request: McpCompletionRequest, options?: McpCallOptions) {
    const { ref } = request;
    const target = ref.type === 'ref/prompt' ? ref.name : ref.uri;
    return this.recordNullable({
      method: 'completion/complete',
      serverId,
      target,
      args: request,
      options,
    });
  }
  probe(): Promise<McpServerHealth> {
    return Promise.reject(new Error('not used'));
  }

  private async record(call: UpstreamCall): Promise<Record<string, unknown>> {
    return (await this.recordNullable(call)) ?? {};
  }

  private recordNullable(call: UpstreamCall): Promise<Record<string, unknown> | null> {
    this.calls.push(call);
    return this.answer(call);
  }
}

/** Stands in for AdmissionService.admitCall: admits (recording settle/release) or throws. */
export class FakeAdmission {
  readonly estimates: UsageEstimate[] = [];
  readonly settled: UsageEstimate[] = [];
  released = 0;
  refuse: Error | undefined;

  admitCall(_req: GatewayRequest, estimate: UsageEstimate): Promise<Admission> {
    this.estimates.push(estimate);
    if (this.refuse) return Promise.reject(this.refuse);
    return Promise.resolve({
      headers: undefined,
      settle: (actual: UsageEstimate) => void this.settled.push(actual),
      release: () => void (this.released += 1),
    });
  }

  asService(): AdmissionService {
    return this as unknown as AdmissionService;
  }
}

/** The real AuditService (masking, scrubbing) with a writer that keeps the records in memory. */
export function recordingAudit(): { audit: AuditService; rows: AuditLogRecord[] } {
  const rows: AuditLogRecord[] = [];
  type Writer = ConstructorParameters<typeof AuditService>[2];
  const writer = { enqueue: (record: AuditLogRecord) => void rows.push(record) } as Writer;
  const config = { enabled: true, failMode: 'open' } as AuditConfig;
  return { audit: new AuditService(config, {} as AuditLogStore, writer), rows };
}

/** Tracing on, spans kept in memory (one provider per spec file: jest isolates globals). */
export function recordingTracer(): { tracer: GatewayTracer; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  trace.setGlobalTracerProvider(provider);
  setTelemetryRuntime({
    tracing: true,
    captureContent: false,
    httpInstrumented: false,
    undiciInstrumented: false,
    attachMetrics: () => undefined,
    shutdown: () => Promise.resolve(),
  });
  return { tracer: new GatewayTracer(), exporter };
}

/** `routeiq_mcp_calls_total` samples as `server method status` → count. */
export function mcpCallCounts(metrics: GatewayMetrics): Record<string, number> {
  const counts: Record<string, number> = {};
  const sample =
    /^routeiq_mcp_calls_total\{server="([^"]*)",method="([^"]*)",status="([^"]*)"\} (\d+)/gm;
  for (const [, server, method, status, value] of metrics.prometheusText().matchAll(sample)) {
    counts[`${server} ${method} ${status}`] = Number(value);
  }
  return counts;
}

export function gatewayRequest(principal: Principal, parent?: unknown): GatewayRequest {
  return {
    id: 'req-1',
    principal,
    traceContext: parent,
    headers: {},
    socket: {},
  } as unknown as GatewayRequest;
}

/** A virtual key's request, its key (and team) holding these MCP permissions. */
export function keyRequest(
  key: Partial<McpPermissions>,
  team?: Partial<McpPermissions>,
  parent?: unknown,
): GatewayRequest {
  const req = gatewayRequest({ kind: 'virtual', keyId: 'key-0123456789ab' }, parent);
  const permissions = (mcp: Partial<McpPermissions>) => ({
    mcp: { servers: [], accessGroups: [], tools: {}, ...mcp },
  });
  attachResolvedKey(req, {
    key: permissions(key) as unknown as VirtualKeyRecord,
    team: team ? (permissions(team) as unknown as TeamRecord) : null,
    keyId: 'key-0123456789ab',
    loadedAt: 0,
  });
  return req;
}

export const ADMIN = gatewayRequest({ kind: 'admin', keyId: 'admin-0123456789' });
export const REST = { channel: 'rest' } as const;

/**
 * The service over fakes of its ports, with the real tracker, metrics and audit service. Servers
 * `weather` (access group `public`) and `github`; tools `weather.forecast` (needs a string
 * `city`), `weather.get_alerts` and `github.create_issue`.
 */
export function operationsHarness(tracer: GatewayTracer, config: Partial<McpConfig> = {}) {
  const directory = new FakeDirectory([
    serverRecord('weather', { accessGroups: ['public'] }),
    serverRecord('github'),
  ]);
  const catalog = new FakeCatalog();
  catalog.toolList = [
    toolEntry('weather', 'forecast', {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    }),
    toolEntry('weather', 'get_alerts'),
    toolEntry('github', 'create_issue'),
  ];
  const upstream = new FakeUpstream();
  const admission = new FakeAdmission();
  const metrics = new GatewayMetrics();
  const { audit, rows } = recordingAudit();
  const service = new McpOperationsService(
    { toolInvocationEnabled: true, ...config } as McpConfig,
    directory,
    catalog,
    upstream,
    admission.asService(),
    new McpCallTracker(tracer, metrics, audit),
  );
  return { service, catalog, upstream, admission, metrics, rows };
}
