import { GatewayException } from '@routeiq/common';
import type { GuardrailDirection } from './guardrail.types';

export enum GuardrailErrorCode {
  Blocked = 'guardrail_blocked',
  Unavailable = 'guardrail_unavailable',
  OutputTooLarge = 'guardrail_output_too_large',
  InputTooLarge = 'guardrail_input_too_large',
}

/**
 * Refusals of the guardrails. A block names the guardrail and the categories it found, never the
 * text that matched.
 */
export class GuardrailException extends GatewayException {
  /** The guardrail that refused the request. */
  readonly guardrail: string;
  /** What it found (comma-separated categories), or why it could not decide. */
  readonly category: string;

  private constructor(
    init: ConstructorParameters<typeof GatewayException>[0],
    guardrail: string,
    category: string,
  ) {
    super({ ...init, fields: { guardrail, category } });
    this.guardrail = guardrail;
    this.category = category;
  }

  /** 400: the guardrail found `categories` in the request or in the answer. */
  static blocked(guardrail: string, categories: readonly string[]): GuardrailException {
    const category = categories.join(',');
    return new GuardrailException(
      {
        status: 400,
        code: GuardrailErrorCode.Blocked,
        message: `Request blocked by guardrail ${guardrail}: ${category}`,
      },
      guardrail,
      category,
    );
  }

  /**
   * 400: a streamed answer grew past what the guardrail holds back to judge it whole
   * (`GUARDRAIL_STREAM_HOLD_MAX_BYTES`); it is refused rather than written unjudged.
   */
  static outputTooLarge(guardrail: string, maxBytes: number): GuardrailException {
    return new GuardrailException(
      {
        status: 400,
        code: GuardrailErrorCode.OutputTooLarge,
        message: `Answer blocked by guardrail ${guardrail}: the streamed answer is larger than the ${maxBytes} bytes it can hold to check`,
      },
      guardrail,
      'output_too_large',
    );
  }

  /**
   * 400: the text the guardrail judges is longer than it can check (`limit` says how much that
   * is); it is refused rather than judged in part. An answer's is `guardrail_output_too_large`,
   * as for a streamed answer past the hold; a request's is `guardrail_input_too_large`.
   */
  static tooLarge(
    guardrail: string,
    direction: GuardrailDirection,
    limit: string,
  ): GuardrailException {
    const input = direction === 'input';
    const what = input ? 'request' : 'answer';
    return new GuardrailException(
      {
        status: 400,
        code: input ? GuardrailErrorCode.InputTooLarge : GuardrailErrorCode.OutputTooLarge,
        message: `${input ? 'Request' : 'Answer'} blocked by guardrail ${guardrail}: the ${what} is longer than the ${limit} it can check`,
      },
      guardrail,
      `${direction}_too_large`,
    );
  }

  /**
   * 503: the guardrail could not check the request (its model or service failed or timed out);
   * guardrails fail closed, so the request is refused rather than let through unchecked.
   */
  static unavailable(guardrail: string, reason: string): GuardrailException {
    return new GuardrailException(
      {
        status: 503,
        code: GuardrailErrorCode.Unavailable,
        type: 'server_error',
        message: `Guardrail ${guardrail} is unavailable: ${reason}`,
      },
      guardrail,
      'unavailable',
    );
  }
}
