import type { GatewayException } from '@routeiq/common';
import type { AnthropicErrorBody, AnthropicErrorType } from './anthropic-messages.types';

/** The gateway's (OpenAI-style) error type as Anthropic's; 413 and 529 have their own. */
export function toAnthropicErrorType(error: GatewayException): AnthropicErrorType {
  if (error.status === 413) return 'request_too_large';
  if (error.status === 529) return 'overloaded_error';
  switch (error.type) {
    case 'invalid_request_error':
    case 'authentication_error':
    case 'permission_error':
    case 'not_found_error':
    case 'rate_limit_error':
    case 'timeout_error':
      return error.type;
    default:
      return 'api_error';
  }
}

/** Anthropic's error envelope, `{ type: 'error', error: { type, message } }`, plus the request id. */
export function anthropicErrorBody(error: GatewayException, requestId: string): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: toAnthropicErrorType(error), message: error.message },
    request_id: requestId,
  };
}
