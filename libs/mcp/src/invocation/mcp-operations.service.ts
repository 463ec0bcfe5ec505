import { Injectable, Logger } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { GatewayException, type GatewayRequest } from '@routeiq/common';
import type { McpServerRecord } from '@routeiq/persistence';
import { AdmissionService, type UsageEstimate } from '@routeiq/security';
import { mayUseServer, mayUseTool, mcpAccessOf } from '../access/mcp-server-access';
import { usableServerIds, visibleTools } from '../access/mcp-tool-access';
import {
  McpCatalog,
  McpServerDirectory,
  McpUpstream,
  splitQualifiedName,
  type McpCallOptions,
  type McpCompletionRequest,
  type McpPromptEntry,
  type McpResourceEntry,
  type McpResourceTemplateEntry,
  type McpToolEntry,
} from '../catalog/mcp-catalog.types';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
import { cappedCompletion, emptyCompletion, serverOfTemplate } from './mcp-completion';
import { McpCallTracker, type McpCallStatus, type McpTrackedCall } from './mcp-call.tracker';
import { McpOperations, type McpOperationOptions, type McpToolListOptions } from './mcp-operations';
import { promptArguments, serverListingUri } from './mcp-operation-inputs';
import { ToolArgumentsValidator } from './tool-arguments.validator';

/** A tool call is one request that uses no tokens. */
const TOOL_CALL_USAGE: UsageEstimate = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  spendUsd: 0,
});

type Stage = Exclude<McpCallStatus, 'ok'>;

/** Where a completion goes; `server` is set when access is checked per server (prompts). */
interface CompletionTarget {
  readonly serverId: string;
  readonly ref: McpCompletionRequest['ref'];
  readonly server?: McpServerRecord;
}

/** The MCP gateway's operations for one caller: see {@link McpOperations}. */
@Injectable()
export class McpOperationsService extends McpOperations {
  private readonly logger = new Logger(McpOperationsService.name);
  private readonly validator = new ToolArgumentsValidator();

  constructor(
    private readonly config: McpConfig,
    private readonly directory: McpServerDirectory,
    private readonly catalog: McpCatalog,
    private readonly upstream: McpUpstream,
    private readonly admission: AdmissionService,
    private readonly tracker: McpCallTracker,
  ) {
    super();
  }

  async listTools(req: GatewayRequest, options: McpToolListOptions = {}): Promise<McpToolEntry[]> {
    const access = mcpAccessOf(req);
    const { serverIds, strict } = options;
    const tools = await this.scoped(req, (ids) => this.catalog.tools(ids, { strict }), serverIds);
    return visibleTools(access, tools, (serverId) => this.directory.get(serverId));
  }

  listResources(req: GatewayRequest): Promise<McpResourceEntry[]> {
    return this.scoped(req, (ids) => this.catalog.resources(ids));
  }

  listResourceTemplates(req: GatewayRequest): Promise<McpResourceTemplateEntry[]> {
    return this.scoped(req, (ids) => this.catalog.resourceTemplates(ids));
  }

  listPrompts(req: GatewayRequest): Promise<McpPromptEntry[]> {
    return this.scoped(req, (ids) => this.catalog.prompts(ids));
  }

  async callTool(
    req: GatewayRequest,
    qualifiedName: string,
    args: unknown,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    if (!this.config.toolInvocationEnabled) throw McpException.toolInvocationDisabled();
    const entry = await this.catalog.findTool(qualifiedName);
    const server = entry && this.directory.get(entry.serverId);
    if (!entry || !server) throw McpException.toolNotFound(qualifiedName);
    const { serverId, name } = entry;
    const call = this.tracker.begin(
      req,
      { method: 'tools/call', serverId, name, auditedAs: entry.qualifiedName },
      options,
    );
    guarded(call, 'denied', () => {
      if (!mayUseTool(mcpAccessOf(req), server, name)) {
        throw McpException.accessDenied(`tool ${JSON.stringify(entry.qualifiedName)}`);
      }
    });
    const valid = guarded(call, 'invalid', () => this.validator.validate(entry, args));
    const admission = await this.admission.admitCall(req, TOOL_CALL_USAGE).catch((error) => {
      call.failed(error, 'denied');
      throw error;
    });
    try {
      const result = await this.upstreamCall(
        call,
        serverId,
        (trace) => this.upstream.callTool(serverId, name, valid, callOptions(options, trace)),
        valid,
      );
      admission.settle(TOOL_CALL_USAGE);
      return result;
    } catch (error) {
      admission.release();
      throw error;
    }
  }

  async readResource(
    req: GatewayRequest,
    uri: string,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    const serverId = await this.serverListing(req, uri);
    if (serverId === undefined) throw McpException.resourceNotFound(uri);
    const call = this.tracker.begin(
      req,
      { method: 'resources/read', serverId, name: uri },
      options,
    );
    return this.upstreamCall(call, serverId, (trace) =>
      this.upstream.readResource(serverId, uri, callOptions(options, trace)),
    );
  }

  async getPrompt(
    req: GatewayRequest,
    qualifiedName: string,
    args: unknown,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    const { server, prompt } = await this.findPrompt(qualifiedName);
    const { serverId, name } = prompt;
    const call = this.tracker.begin(req, { method: 'prompts/get', serverId, name }, options);
    guarded(call, 'denied', () => assertMayUseServer(req, server));
    const values = guarded(call, 'invalid', () => promptArguments(prompt, args));
    return this.upstreamCall(call, serverId, (trace) =>
      this.upstream.getPrompt(serverId, name, values, callOptions(options, trace)),
    );
  }

  async complete(
    req: GatewayRequest,
    request: McpCompletionRequest,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    const { serverId, ref, server } = await this.completionTarget(req, request.ref);
    const name = ref.type === 'ref/prompt' ? ref.name : ref.uri;
    const target = { method: 'completion/complete', serverId, name, ref: ref.type } as const;
    const call = this.tracker.begin(req, target, options);
    if (server) guarded(call, 'denied', () => assertMayUseServer(req, server));
    const { argument, context } = request;
    const forwarded = { ref, argument, ...(context && { context }) };
    try {
      const result = await this.upstreamCall(call, serverId, async (trace) => {
        const sent = await this.upstream.complete(serverId, forwarded, callOptions(options, trace));
        return sent ?? emptyCompletion();
      });
      return cappedCompletion(result);
    } catch (error) {
      // Completion is a best-effort hint for the client's UI: counted as failed, answered empty.
      const reason = error instanceof GatewayException ? error.code : 'internal_error';
      this.logger.warn(`completion/complete on MCP server ${serverId} failed: ${reason}`);
      return emptyCompletion();
    }
  }

  /** The server owning the ref, with the ref in the upstream's own terms. */
  private async completionTarget(
    req: GatewayRequest,
    ref: McpCompletionRequest['ref'],
  ): Promise<CompletionTarget> {
    if (ref.type === 'ref/prompt') {
      const { server, prompt } = await this.findPrompt(ref.name);
      return { serverId: server.serverId, ref: { type: ref.type, name: prompt.name }, server };
    }
    const templates = await this.scoped(req, (ids) => this.catalog.resourceTemplates(ids));
    const serverId =
      serverOfTemplate(templates, ref.uri) ?? (await this.serverListing(req, ref.uri));
    if (serverId === undefined) throw McpException.resourceNotFound(ref.uri);
    return { serverId, ref: { type: ref.type, uri: ref.uri } };
  }

  /**
   * Runs `list` over the servers the caller may use (all of them for an unrestricted caller),
   * of `only` when given.
   */
  private async scoped<T>(
    req: GatewayRequest,
    list: (serverIds: readonly string[] | undefined) => Promise<T[]>,
    only?: readonly string[],
  ): Promise<T[]> {
    const usable = usableServerIds(mcpAccessOf(req), this.directory.list());
    const ids = only && usable ? only.filter((id) => usable.includes(id)) : (only ?? usable);
    // An empty id list must not reach the catalog, where "no ids" means every server.
    if (ids?.length === 0) return [];
    return list(ids);
  }

  /** The usable server that lists `uri`, or else has a resource template matching it. */
  private async serverListing(req: GatewayRequest, uri: string): Promise<string | undefined> {
    const resources = await this.scoped(req, (ids) => this.catalog.resources(ids));
    const listed = resources.find((resource) => resource.uri === uri);
    if (listed) return listed.serverId;
    const templates = await this.scoped(req, (ids) => this.catalog.resourceTemplates(ids));
    return serverListingUri(templates, uri);
  }

  private async findPrompt(
    qualifiedName: string,
  ): Promise<{ server: McpServerRecord; prompt: McpPromptEntry }> {
    const split = splitQualifiedName(qualifiedName);
    const server = split && this.directory.get(split.serverId);
    if (server?.enabled) {
      const prompts = await this.catalog.prompts([server.serverId]);
      const prompt = prompts.find((entry) => entry.qualifiedName === qualifiedName);
      if (prompt) return { server, prompt };
    }
    throw McpException.promptNotFound(qualifiedName);
  }

  private async upstreamCall(
    call: McpTrackedCall,
    serverId: string,
    send: (trace: Context | undefined) => Promise<Record<string, unknown>>,
    args?: unknown,
  ): Promise<Record<string, unknown>> {
    try {
      const result = await send(call.upstreamContext(args));
      call.answered(result);
      return result;
    } catch (error) {
      const failure = upstreamFailure(serverId, error);
      call.failed(failure, 'error');
      throw failure;
    }
  }
}

/** @throws McpException `mcp_access_denied` when the caller may not use `server`. */
function assertMayUseServer(req: GatewayRequest, server: McpServerRecord): void {
  if (!mayUseServer(mcpAccessOf(req), server)) {
    throw McpException.accessDenied(`MCP server ${JSON.stringify(server.serverId)}`);
  }
}

/** Runs a check of `call`; when it throws, the call ends with `stage`. */
function guarded<T>(call: McpTrackedCall, stage: Stage, check: () => T): T {
  try {
    return check();
  } catch (error) {
    call.failed(error, stage);
    throw error;
  }
}

function callOptions(options: McpOperationOptions, trace: Context | undefined): McpCallOptions {
  return {
    ...(options.signal && { signal: options.signal }),
    ...(trace && { trace }),
  };
}

/** The upstream port throws gateway exceptions; anything else becomes a sanitised 502. */
function upstreamFailure(serverId: string, error: unknown): GatewayException {
  if (error instanceof GatewayException) return error;
  return McpException.upstreamError(serverId, 'unexpected failure', error);
}
