import type { IncomingHttpHeaders } from 'node:http';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value || value.length < 8) return undefined;
  // Scheme is case-insensitive (RFC 7235); checked without a regex on the hot path.
  if (value.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = value.slice(7).trim();
  return token.length > 0 ? token : undefined;
}

/**
 * The user key of a request: `Authorization: Bearer <key>`, Anthropic's `x-api-key: <key>` (the
 * Anthropic SDK, Claude Code) or Azure's `api-key: <key>` (the Azure OpenAI SDKs).
 */
export function userToken(headers: IncomingHttpHeaders): string | undefined {
  return (
    bearerToken(headers) ?? plainHeader(headers['x-api-key']) ?? plainHeader(headers['api-key'])
  );
}

function plainHeader(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const token = value.trim();
  return token.length > 0 ? token : undefined;
}
