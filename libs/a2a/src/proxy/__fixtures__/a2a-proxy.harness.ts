import { trace, type Context } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  GatewayException,
  RequestLimits,
  sendError,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import { InMemoryExpiringStore, type ExpiringStore } from '@routeiq/coordination';
import {
  GatewayMetrics,
  GatewayTracer,
  setTelemetryRuntime,
  telemetryRuntime,
} from '@routeiq/observability';
import type { A2aAgentRecord } from '@routeiq/persistence';
import {
  attachResolvedKey,
  DnsHostResolver,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SafeOutboundClient,
  type Admission,
  type AdmissionService,
  type AuditEvent,
  type AuditService,
  type ResolvedKey,
  type ScopedKeyLimits,
} from '@routeiq/security';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveA2aConfig } from '../../a2a.config';
import { A2aAgentDirectory } from '../../registry/a2a-agent.directory';
import { A2aCallAuditor } from '../a2a-call.audit';
import { A2aCallTracker } from '../a2a-call.tracker';
import { A2aForwarderService } from '../a2a-forwarder.service';
import { A2aPageTokenCodec } from '../a2a-page-token.codec';
import { A2aProxyService } from '../a2a-proxy.service';
import { A2aRequestPlanner } from '../a2a-request.planner';
import { A2aStreamRelay } from '../a2a-stream.relay';
import { A2aTaskLister } from '../a2a-task.lister';
import { A2aTaskOwnershipService } from '../a2a-task-ownership.service';
import { A2aTranslator } from '../a2a-translator';
import { A2aUpstreamClient } from '../a2a-upstream.client';

export function agentRecord(
  agentId: string,
  url: string,
  overrides: Partial<A2aAgentRecord> = {},
): A2aAgentRecord {
  return {
    agentId,
    name: agentId,
    description: null,
    url,
    cardUrl: null,
    card: {},
    protocolVersion: '1.0',
    capabilities: [],
    accessGroups: [],
    keyRpmLimit: null,
    authType: 'none',
    authValue: null,
    apiKeyHeader: null,
    staticHeaders: {},
    timeoutMs: null,
    enabled: true,
    createdBy: null,
    updatedBy: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

class FakeDirectory extends A2aAgentDirectory {
  readonly agents = new Map<string, A2aAgentRecord>();
  list(): readonly A2aAgentRecord[] {
    return [...this.agents.values()];
  }
  get(agentId: string): A2aAgentRecord | undefined {
    return this.agents.get(agentId);
  }
  onChange(): () => void {
    return () => undefined;
  }
}

/** Stands in for AdmissionService.admitCall (quota is not under test here). */
class FakeAdmission {
  refuse: Error | undefined;
  settled = 0;
  released = 0;
  /** The `scoped` argument of each call, in order. */
  readonly scoped: Array<ScopedKeyLimits | undefined> = [];
  admitCall(
    _req?: GatewayRequest,
    _estimate?: unknown,
    scoped?: ScopedKeyLimits,
  ): Promise<Admission> {
    this.scoped.push(scoped);
    if (this.refuse) return Promise.reject(this.refuse);
    return Promise.resolve({
      headers: { 'x-ratelimit-remaining-requests': '9' },
      settle: () => void (this.settled += 1),
      release: () => void (this.released += 1),
    });
  }
}

class Limits extends RequestLimits {
  get maxBodyBytes(): number {
    return 1_000_000;
  }
}

/**
 * A GatewayTracer with tracing on, its spans kept in memory. It reads the runtime once, so the
 * runtime is put back at once: other tracers of the spec file stay off.
 */
export function recordingTracer(): { tracer: GatewayTracer; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  trace.setGlobalTracerProvider(provider);
  const previous = telemetryRuntime();
  setTelemetryRuntime({ ...previous, tracing: true, undiciInstrumented: false });
  const tracer = new GatewayTracer();
  setTelemetryRuntime(previous);
  return { tracer, exporter };
}

export interface ClientAnswer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/** The real proxy classes wired by hand behind a node:http server, loopback allowlisted. */
export class A2aProxyHarness {
  readonly directory = new FakeDirectory();
  readonly admission = new FakeAdmission();
  readonly translator = new A2aTranslator();
  readonly metrics = new GatewayMetrics();
  /** What the proxy handed AuditService.record, in order. */
  readonly audits: AuditEvent[] = [];
  readonly ownership: A2aTaskOwnershipService;
  private readonly outbound: SafeOutboundClient;
  private readonly proxy: A2aProxyService;
  /** What the HTTP observer would put on each request as `traceContext`. */
  traceContext: Context | undefined;
  /** Resolved keys by `x-test-key`, attached as the user-key guard would. */
  readonly keys = new Map<string, ResolvedKey>();
  private server: Server | undefined;

  /** `store`: where task and context owners are kept (a spec may slow or fail it). */
  constructor(
    allowedUrlPrefix: string,
    tracer = new GatewayTracer(),
    store: ExpiringStore = new InMemoryExpiringStore(),
  ) {
    const config = resolveA2aConfig({ A2A_GATEWAY_ENABLED: 'true' });
    const outboundConfig = resolveOutboundConfig({
      LLMROUTER_OUTBOUND_URL_ALLOWLIST: allowedUrlPrefix,
    });
    const guard = new OutboundUrlGuard(outboundConfig, new DnsHostResolver());
    this.outbound = new SafeOutboundClient(guard);
    const ownership = new A2aTaskOwnershipService(store, config);
    this.ownership = ownership;
    const relay = new A2aStreamRelay(ownership, this.translator);
    const upstream = new A2aUpstreamClient(this.outbound, config);
    const tokens = new A2aPageTokenCodec(() => 'harness-secret');
    const lister = new A2aTaskLister(upstream, ownership, tokens);
    this.proxy = new A2aProxyService(
      this.directory,
      this.admission as unknown as AdmissionService,
      new Limits(),
      new A2aRequestPlanner(this.translator, ownership, guard, tokens),
      new A2aForwarderService(upstream, ownership, this.translator, relay, lister),
      new A2aCallTracker(tracer, this.metrics, new A2aCallAuditor(this.recorder())),
    );
  }

  private recorder(): AuditService {
    const record = (event: AuditEvent): void => void this.audits.push(event);
    return { record } as unknown as AuditService;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const gatewayReq = req as GatewayRequest;
      gatewayReq.id = 'req-1';
      gatewayReq.traceContext = this.traceContext;
      const keyId = typeof req.headers['x-test-key'] === 'string' ? req.headers['x-test-key'] : '';
      gatewayReq.principal = { kind: 'virtual', keyId: keyId || 'key-a' };
      const resolved = this.keys.get(keyId);
      if (resolved) attachResolvedKey(gatewayReq, resolved);
      const agentId = decodeURIComponent((req.url ?? '').replace(/^\/a2a\//, ''));
      this.proxy.handle(agentId, gatewayReq, res as GatewayResponse).catch((error: unknown) => {
        // What the global filter does with the errors the proxy throws.
        if (error instanceof GatewayException && !res.headersSent) sendError(res, error, 'req-1');
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    await this.outbound.onApplicationShutdown();
  }

  /** Opens a POST and returns the response as soon as its headers arrive. */
  open(
    agentId: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<IncomingMessage> {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(`${this.url}/a2a/${agentId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end(payload);
    });
  }

  async post(
    agentId: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<ClientAnswer> {
    const res = await this.open(agentId, body, headers);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let json: Record<string, unknown> = {};
    if ((res.headers['content-type'] ?? '').includes('json')) {
      json = JSON.parse(text) as Record<string, unknown>;
    }
    return { status: res.statusCode ?? 0, headers: res.headers, text, json };
  }

  /** `routeiq_a2a_calls_total` samples as `agent method status` → count. */
  callCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    const sample =
      /^routeiq_a2a_calls_total\{agent="([^"]*)",method="([^"]*)",status="([^"]*)"\} (\d+)/gm;
    for (const [, agent, method, status, value] of this.metrics.prometheusText().matchAll(sample)) {
      counts[`${agent} ${method} ${status}`] = Number(value);
    }
    return counts;
  }
}
