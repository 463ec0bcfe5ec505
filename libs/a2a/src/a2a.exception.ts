import { GatewayException, type GatewayErrorInit } from '@routeiq/common';

export enum A2aErrorCode {
  GatewayDisabled = 'a2a_gateway_disabled',
  AgentNotFound = 'a2a_agent_not_found',
  AgentAccessDenied = 'a2a_agent_access_denied',
  AgentExists = 'a2a_agent_exists',
  InvalidAgent = 'invalid_a2a_agent',
  InvalidAgentCard = 'invalid_agent_card',
  AgentDisabled = 'a2a_agent_disabled',
  UpstreamError = 'a2a_upstream_error',
  UpstreamTimeout = 'a2a_upstream_timeout',
}

/** A2A's JSON-RPC error codes (0.3 and 1.0 share them) plus JSON-RPC's own. */
export enum A2aRpcCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  TaskNotFound = -32001,
  TaskNotCancelable = -32002,
  PushNotificationNotSupported = -32003,
  UnsupportedOperation = -32004,
  ContentTypeNotSupported = -32005,
  InvalidAgentResponse = -32006,
}

/** Errors of the A2A gateway's REST routes (registry, cards); the proxy answers JSON-RPC errors. */
export class A2aException extends GatewayException {
  constructor(init: GatewayErrorInit & { code: A2aErrorCode }) {
    super(init);
  }

  static gatewayDisabled(): A2aException {
    return new A2aException({
      status: 404,
      code: A2aErrorCode.GatewayDisabled,
      message: 'The A2A gateway is disabled: set A2A_GATEWAY_ENABLED=true to enable it',
    });
  }

  static agentNotFound(agentId: string): A2aException {
    return new A2aException({
      status: 404,
      code: A2aErrorCode.AgentNotFound,
      message: `A2A agent ${JSON.stringify(agentId)} not found`,
    });
  }

  /** The caller's key (or its team) may not call the agent: `object_permission` excludes it. */
  static agentAccessDenied(agentId: string): A2aException {
    return new A2aException({
      status: 403,
      code: A2aErrorCode.AgentAccessDenied,
      message: `This key may not call A2A agent ${JSON.stringify(agentId)}`,
    });
  }

  static agentExists(agentId: string): A2aException {
    return new A2aException({
      status: 409,
      code: A2aErrorCode.AgentExists,
      message: `A2A agent ${JSON.stringify(agentId)} already exists`,
      param: 'agent_id',
    });
  }

  /** `problems`: one line per field, e.g. `url: must be an http(s) URL`. */
  static invalidAgent(problems: readonly string[], param?: string): A2aException {
    return new A2aException({
      status: 400,
      code: A2aErrorCode.InvalidAgent,
      message: `Invalid A2A agent: ${problems.join('; ')}`,
      param: param ?? null,
    });
  }

  static invalidAgentCard(detail: string): A2aException {
    return new A2aException({
      status: 400,
      code: A2aErrorCode.InvalidAgentCard,
      message: `The agent card could not be used: ${detail}`,
      param: 'agent_card_url',
    });
  }

  static agentDisabled(agentId: string): A2aException {
    return new A2aException({
      status: 503,
      code: A2aErrorCode.AgentDisabled,
      message: `A2A agent ${JSON.stringify(agentId)} is disabled`,
    });
  }

  static upstreamError(agentId: string, detail: string, cause?: unknown): A2aException {
    return new A2aException({
      status: 502,
      code: A2aErrorCode.UpstreamError,
      message: `A2A agent ${JSON.stringify(agentId)} failed: ${detail}`,
      cause,
    });
  }

  static upstreamTimeout(agentId: string, timeoutMs: number): A2aException {
    return new A2aException({
      status: 504,
      code: A2aErrorCode.UpstreamTimeout,
      message: `A2A agent ${JSON.stringify(agentId)} did not answer within ${timeoutMs} ms`,
    });
  }
}
