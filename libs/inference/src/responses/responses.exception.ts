import { GatewayException } from '@routeiq/common';

export enum ResponsesErrorCode {
  PreviousResponseNotFound = 'previous_response_not_found',
  ResponseNotFound = 'response_not_found',
  UnsupportedTool = 'unsupported_tool',
}

/** Errors of the inbound OpenAI Responses API (`/v1/responses`). */
export class ResponsesException extends GatewayException {
  /** Missing, expired, stored with `store: false`, or another caller's: all look the same. */
  static previousResponseNotFound(id: string): ResponsesException {
    return new ResponsesException({
      status: 400,
      code: ResponsesErrorCode.PreviousResponseNotFound,
      message: `Previous response with id '${id}' not found`,
      param: 'previous_response_id',
    });
  }

  static responseNotFound(id: string): ResponsesException {
    return new ResponsesException({
      status: 404,
      code: ResponsesErrorCode.ResponseNotFound,
      message: `Response with id '${id}' not found`,
    });
  }

  /** Hosted tools run inside OpenAI; the chat pivot can only carry function tools. */
  static unsupportedTool(type: string, param: string): ResponsesException {
    return new ResponsesException({
      status: 400,
      code: ResponsesErrorCode.UnsupportedTool,
      message: `Tools of type "${type}" are not supported by this gateway (only "function" and "mcp" tools)`,
      param,
    });
  }
}
