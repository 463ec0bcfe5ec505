import { Injectable } from '@nestjs/common';
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
  type McpPromptEntry,
  type McpResourceEntry,
  type McpResourceTemplateEntry,
  type McpToolEntry,
} from '../catalog/mcp-catalog.types';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
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

/** The MCP gateway's operations for one caller: see {@link McpOperations}. */
@Injectable()
export class McpOperationsService extends McpOperations {
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
    guarded(call, 'denied', () => {
      if (!mayUseServer(mcpAccessOf(req), server)) {
        throw McpException.accessDenied(`MCP server ${JSON.stringify(serverId)}`);
      }
    });
    const values = guarded(call, 'invalid', () => promptArguments(prompt, args));
    return this.upstreamCall(call, serverId, (trace) =>
      this.upstream.getPrompt(serverId, name, values, callOptions(options, trace)),
    );
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
