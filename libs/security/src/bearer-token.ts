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
 * The user key of a request: `Authorization: Bearer <key>`, or Anthropic's `x-api-key: <key>`
 * (so the Anthropic SDK and Claude Code work against the gateway unchanged).
 */
export function userToken(headers: IncomingHttpHeaders): string | undefined {
  const bearer = bearerToken(headers);
  if (bearer) return bearer;
  const apiKey = headers['x-api-key'];
  if (typeof apiKey !== 'string') return undefined;
  const token = apiKey.trim();
  return token.length > 0 ? token : undefined;
}
