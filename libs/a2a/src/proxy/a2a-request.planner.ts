import { Injectable } from '@nestjs/common';
import type { A2aAgentRecord } from '@routeiq/persistence';
import { OutboundException, OutboundUrlGuard } from '@routeiq/security';
import type { A2aVersion } from '../translation';
import { A2aRpcError, type A2aRpcRequest, type JsonRpcId } from './a2a-json-rpc';
import {
  callerVersion,
  methodSpec,
  namedFor,
  pushCallbackUrl,
  referencedTaskIds,
  requestedContextId,
  type A2aMethodSpec,
} from './a2a-methods';
import { A2aPageTokenCodec, type A2aListCursor } from './a2a-page-token.codec';
import { listRequest, type A2aListingPlan } from './a2a-task-listing';
import { A2aTaskOwnershipService, type A2aAgentGeneration } from './a2a-task-ownership.service';
import { A2aTranslator } from './a2a-translator';

const FIRST_PAGE: A2aListCursor = { upstreamToken: '', skip: 0 };

/** A checked call, ready to send: the request in the agent's version and how to answer it. */
export interface A2aCallPlan {
  readonly id: JsonRpcId;
  /** The method's 1.0 name (metric label, translation key). */
  readonly method: string;
  readonly spec: A2aMethodSpec;
  readonly callerVersion: A2aVersion;
  readonly agentVersion: A2aVersion;
  /** The JSON-RPC request to send upstream. */
  readonly upstreamBody: string;
  /** `ListTasks`: the gateway reads the agent's pages itself. */
  readonly listing?: A2aListingPlan;
}

/**
 * Decides whether a request may go to the agent, and in which form: known method, the caller's
 * own tasks and context, a callback URL the gateway may let the agent call, and params translated
 * between protocol versions when caller and agent differ.
 */
@Injectable()
export class A2aRequestPlanner {
  constructor(
    private readonly translator: A2aTranslator,
    private readonly ownership: A2aTaskOwnershipService,
    private readonly guard: OutboundUrlGuard,
    private readonly pageTokens: A2aPageTokenCodec,
  ) {}

  /** The 1.0 name of the request's method, or undefined when the proxy does not forward it. */
  canonical(request: A2aRpcRequest, versionHeader: string | undefined): string | undefined {
    const version = callerVersion(versionHeader, request.method);
    if (!namedFor(request.method, version)) return undefined;
    const method = this.translator.canonicalMethod(request.method);
    return methodSpec(method) ? method : undefined;
  }

  /**
   * A message naming a context the gateway never saw makes it the caller's.
   * @throws A2aRpcError -32600 (bad version), -32601 (unknown method, or none in the agent's
   * version), -32001 (a task that is not the caller's), -32602 (refused callback URL, a
   * context another key owns, or `ListTasks` params or page token the gateway cannot use).
   */
  async plan(
    request: A2aRpcRequest,
    versionHeader: string | undefined,
    agent: A2aAgentRecord,
    keyId: string,
  ): Promise<A2aCallPlan> {
    const from = callerVersion(versionHeader, request.method);
    const to = agent.protocolVersion;
    const method = this.canonical(request, versionHeader);
    const spec = methodSpec(method);
    const upstreamMethod = method && this.translator.method(request.method, from, to);
    if (!method || !spec || !upstreamMethod) throw A2aRpcError.methodNotFound(request.method);
    const listing = spec.listsTasks ? this.listing(request.params, agent, keyId) : undefined;
    await this.checkTasks(agent, spec, request.params, keyId);
    if (spec.pushUrl) await this.checkCallback(request.params);
    // Last: joining claims a new context, which a request refused for another reason must not do.
    await this.checkContext(agent, spec, request.params, keyId);
    const params = this.translator.params(method, request.params, from, to);
    const upstream = { jsonrpc: '2.0', id: request.id, method: upstreamMethod, params };
    return {
      id: request.id,
      method,
      spec,
      callerVersion: from,
      agentVersion: to,
      upstreamBody: JSON.stringify(upstream),
      ...(listing && { listing }),
    };
  }

  /** Where a `ListTasks` request starts: its page token opened for this key, agent and filters. */
  private listing(params: unknown, agent: A2aAgentGeneration, keyId: string): A2aListingPlan {
    const request = listRequest(params);
    const generation = { agentId: agent.agentId, createdAt: agent.createdAt };
    const scope = { keyId, agent: generation, filters: request.filters };
    const { pageToken } = request;
    const start = pageToken === undefined ? FIRST_PAGE : this.pageTokens.open(pageToken, scope);
    return { request, start, scope };
  }

  private async checkTasks(
    agent: A2aAgentGeneration,
    spec: A2aMethodSpec,
    params: unknown,
    keyId: string,
  ): Promise<void> {
    // One at a time: a caller cannot make the gateway look up more ids than it owns, plus one.
    for (const taskId of referencedTaskIds(spec, params)) {
      // Another key's task and a task the gateway never saw get the same answer: ids do not leak.
      if (!(await this.ownership.owns(agent, taskId, keyId))) {
        throw A2aRpcError.taskNotFound(taskId);
      }
    }
  }

  private async checkContext(
    agent: A2aAgentGeneration,
    spec: A2aMethodSpec,
    params: unknown,
    keyId: string,
  ): Promise<void> {
    const contextId = requestedContextId(spec, params);
    if (contextId === undefined) return;
    if (!(await this.ownership.joinContext(agent, contextId, keyId))) {
      throw A2aRpcError.unknownContext(contextId);
    }
  }

  private async checkCallback(params: unknown): Promise<void> {
    const url = pushCallbackUrl(params);
    if (url === undefined) return;
    try {
      await this.guard.check(url);
    } catch (error) {
      if (!(error instanceof OutboundException)) throw error;
      throw A2aRpcError.invalidParams(`Push notification URL refused: ${error.message}`);
    }
  }
}
