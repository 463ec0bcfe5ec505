import { ProviderException } from '../contract/provider.exception';

/** Codes for requests the Anthropic adapter cannot translate; rendered as 400s. */
export enum AnthropicRequestErrorCode {
  InvalidToolArguments = 'invalid_tool_call_arguments',
  UnsupportedContent = 'unsupported_content',
  UnsupportedRole = 'unsupported_role',
}

/** A client request that cannot be expressed in the Messages API (never sent upstream). */
export function invalidAnthropicRequest(
  code: AnthropicRequestErrorCode,
  message: string,
  param: string,
): ProviderException {
  return new ProviderException({
    status: 400,
    code,
    type: 'invalid_request_error',
    message,
    param,
  });
}
