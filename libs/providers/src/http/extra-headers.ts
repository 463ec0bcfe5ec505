/**
 * Adds a deployment's `extra_headers` to an upstream request's headers. They go last, so an
 * operator can override a provider header (names are lower-cased as Node sends them).
 */
export function withExtraHeaders(
  headers: Record<string, string>,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  for (const name in extra) headers[name.toLowerCase()] = extra[name] as string;
  return headers;
}
