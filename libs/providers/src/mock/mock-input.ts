import { ProviderException } from '../contract/provider.exception';
import { estimateTokens } from './mock-text';

/** One prompt or embedding input: text, or an array of token ids. */
export interface MockInput {
  readonly value: string | readonly number[];
  readonly tokens: number;
}

export function invalidValue(param: string, message: string): ProviderException {
  return new ProviderException({
    status: 400,
    code: 'invalid_value',
    type: 'invalid_request_error',
    param,
    message,
  });
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}

function toInput(value: unknown, param: string): MockInput {
  if (typeof value === 'string') return { value, tokens: estimateTokens(value.length) };
  if (isTokenArray(value)) return { value, tokens: Math.max(1, value.length) };
  throw invalidValue(param, `'${param}' must be a string, an array of strings or token arrays`);
}

/** Normalises OpenAI's `prompt`/`input` forms: string, string[], number[] or number[][]. */
export function mockInputs(value: unknown, param: string): MockInput[] {
  if (typeof value === 'string') return [toInput(value, param)];
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidValue(param, `'${param}' must be a non-empty string or array`);
  }
  if (isTokenArray(value)) return [toInput(value, param)];
  return value.map((item: unknown) => toInput(item, param));
}
