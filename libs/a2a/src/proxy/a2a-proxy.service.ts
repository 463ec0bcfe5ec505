import { Injectable } from '@nestjs/common';
import {
  CommonErrorCode,
  CommonException,
  readJsonBody,
  RequestLimits,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import type { A2aAgentRecord } from '@routeiq/persistence';
import { AdmissionService, type Admission, type UsageEstimate } from '@routeiq/security';
import { assertMayCallAgent } from '../access/a2a-agent-access';
import { A2aException, A2aRpcCode } from '../a2a.exception';
import { A2aAgentDirectory } from '../registry/a2a-agent.directory';
import { perAgentLimits } from './a2a-agent-limits';
import type { A2aCallAudit } from './a2a-call.audit';
import { A2aCallTracker, type A2aTrackedCall } from './a2a-call.tracker';
import { A2aForwarderService } from './a2a-forwarder.service';
import { A2aRpcError, idOf, parseRpcRequest, rpcErrorBody, type JsonRpcId } from './a2a-json-rpc';
import { A2A_VERSION_HEADER } from './a2a-methods';
import { A2aRequestPlanner, type A2aCallPlan } from './a2a-request.planner';
import { FORWARDED_CLIENT_HEADERS } from './a2a-response-headers';

/** An A2A call is one request against the quota and uses no tokens. */
const AGENT_CALL_USAGE: UsageEstimate = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  spendUsd: 0,
});

/** One client request while it is being proxied. */
interface ProxyExchange {
  readonly agent: A2aAgentRecord;
  readonly req: GatewayRequest;
  readonly res: GatewayResponse;
  readonly signal: AbortSignal;
  readonly replyHeaders: Readonly<Record<string, string>>;
  readonly audit: A2aCallAudit;
}

/**
 * `POST /a2a/{agentId}`: a JSON-RPC request from an A2A client, forwarded to the agent. Transport
 * failures before any byte went out are gateway errors (404 unknown agent, 403 agent not allowed
 * for the key, 429 quota, 502/504 upstream); what the proxy refuses itself is a JSON-RPC error
 * with A2A's codes.
 */
@Injectable()
export class A2aProxyService {
  constructor(
    private readonly directory: A2aAgentDirectory,
    private readonly admission: AdmissionService,
    private readonly limits: RequestLimits,
    private readonly planner: A2aRequestPlanner,
    private readonly forwarder: A2aForwarderService,
    private readonly tracker: A2aCallTracker,
  ) {}

  /**
   * @throws A2aException (404, 403, 503, 502, 504) or the quota's 429, before anything was
   *   written.
   */
  async handle(agentId: string, req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const agent = this.directory.get(agentId);
    if (!agent) throw A2aException.agentNotFound(agentId);
    const audit = this.tracker.audit(req, agent.agentId);
    const admission = await this.admit(req, agent, audit);
    const disconnect = abortOnClose(res);
    try {
      const replyHeaders = admission.headers ?? {};
      await this.exchange({ agent, req, res, signal: disconnect.signal, replyHeaders, audit });
      admission.settle(AGENT_CALL_USAGE);
    } catch (error) {
      admission.release();
      throw error;
    } finally {
      disconnect.dispose();
    }
  }

  /** Access, the agent's switch, then the quota; a refusal is audited before it is thrown. */
  private async admit(
    req: GatewayRequest,
    agent: A2aAgentRecord,
    audit: A2aCallAudit,
  ): Promise<Admission> {
    try {
      assertMayCallAgent(req, agent);
      if (!agent.enabled) throw A2aException.agentDisabled(agent.agentId);
      const limits = perAgentLimits(req, agent);
      return await this.admission.admitCall(req, AGENT_CALL_USAGE, limits);
    } catch (error) {
      audit.refused(error);
      throw error;
    }
  }

  private async exchange(exchange: ProxyExchange): Promise<void> {
    const { agent, req, audit } = exchange;
    let id: JsonRpcId = null;
    let call: A2aTrackedCall | undefined;
    try {
      const body = await readRpcBody(req, this.limits.maxBodyBytes);
      id = idOf(body);
      const request = parseRpcRequest(body);
      const version = headerOf(req, A2A_VERSION_HEADER);
      const method = this.planner.canonical(request, version);
      audit.requested(method, request.params);
      call = this.tracker.begin(audit, method ?? 'unknown');
      const plan = await this.planner.plan(request, version, agent, req.principal?.keyId ?? '');
      const outcome = await this.forward(exchange, plan, call);
      audit.note(outcome.ids);
      call.end(outcome.status, outcome.errorType);
    } catch (error) {
      call ??= this.tracker.begin(audit, 'unknown');
      if (!(error instanceof A2aRpcError)) return this.failed(exchange, call, error);
      call.end(error.ownership ? 'denied' : 'invalid', String(error.code));
      const reply = rpcErrorBody(id, { code: error.code, message: error.message });
      sendJson(exchange.res, error.status, reply, exchange.replyHeaders);
    }
  }

  private forward(exchange: ProxyExchange, plan: A2aCallPlan, call: A2aTrackedCall) {
    const upstreamHeaders = call.upstreamHeaders();
    if (plan.agentVersion === '1.0') upstreamHeaders['a2a-version'] = '1.0';
    for (const name of FORWARDED_CLIENT_HEADERS) {
      const value = headerOf(exchange.req, name);
      if (value !== undefined) upstreamHeaders[name] = value;
    }
    return this.forwarder.forward({
      agent: exchange.agent,
      plan,
      res: exchange.res,
      keyId: exchange.req.principal?.keyId ?? '',
      signal: exchange.signal,
      upstreamHeaders,
      replyHeaders: exchange.replyHeaders,
    });
  }

  /** A client that went away needs no answer; anything else goes to the global filter. */
  private failed(exchange: ProxyExchange, call: A2aTrackedCall, error: unknown): void {
    if (exchange.signal.aborted) {
      call.end('cancelled');
      return;
    }
    const code = error instanceof A2aException ? error.code : 'internal_error';
    call.end('upstream_error', code);
    throw error;
  }
}

/** The JSON body; bad JSON is -32700 (400), other refusals -32600 with their status. */
async function readRpcBody(req: GatewayRequest, limitBytes: number): Promise<unknown> {
  try {
    return await readJsonBody(req, limitBytes);
  } catch (error) {
    if (!(error instanceof CommonException)) throw error;
    const parse = error.code === (CommonErrorCode.InvalidJson as string);
    const code = parse ? A2aRpcCode.ParseError : A2aRpcCode.InvalidRequest;
    throw new A2aRpcError(code, error.message, error.status);
  }
}

function headerOf(req: GatewayRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Aborts when the client goes away before the response is complete. */
function abortOnClose(res: GatewayResponse): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClose);
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}
