/** One `LLMROUTER_OUTBOUND_HOST_ALLOWLIST` entry. */
export interface HostPattern {
  /** `exact`: `api.x.com`; `subdomains`: `*.x.com`; `domain`: `.x.com` (x.com and its subdomains). */
  readonly kind: 'exact' | 'subdomains' | 'domain';
  readonly host: string;
}

/** Lower case, no IPv6 brackets, no trailing dot: `LocalHost.` and `localhost` are one host. */
export function normaliseHostname(hostname: string): string {
  let host = hostname.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host.replace(/\.+$/, '');
}

/** @returns null when the entry is not a host name or IP literal, with an optional `*.` or `.`. */
export function parseHostPattern(entry: string): HostPattern | null {
  const text = entry.trim().toLowerCase();
  const kind = text.startsWith('*.') ? 'subdomains' : text.startsWith('.') ? 'domain' : 'exact';
  const rest = text.slice(kind === 'subdomains' ? 2 : kind === 'domain' ? 1 : 0);
  if (!rest || /[/?#@\s*]/.test(rest)) return null;
  const ipv6 = rest.includes(':');
  const candidate = ipv6 && !rest.startsWith('[') ? `[${rest}]` : rest;
  let parsed: URL;
  try {
    parsed = new URL(`http://${candidate}/`);
  } catch {
    return null;
  }
  // Names must come through the URL parser unchanged: `0x7f.1` is not a host pattern.
  if (parsed.port !== '' || (!ipv6 && parsed.hostname !== rest)) return null;
  return { kind, host: normaliseHostname(parsed.hostname) };
}

export function hostMatchesPattern(pattern: HostPattern, host: string): boolean {
  const suffix = `.${pattern.host}`;
  switch (pattern.kind) {
    case 'exact':
      return host === pattern.host;
    case 'subdomains':
      return host.endsWith(suffix);
    case 'domain':
      return host === pattern.host || host.endsWith(suffix);
  }
}

/**
 * Normalises a `LLMROUTER_OUTBOUND_URL_ALLOWLIST` entry the way checked URLs are normalised.
 * @returns null unless it is an http(s) URL without credentials, query or fragment.
 */
export function normaliseUrlPrefix(entry: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(entry.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return null;
  return parsed.href;
}

/**
 * Prefix match that ends at a path boundary: `http://h/api` matches `http://h/api`,
 * `http://h/api/x` and `http://h/api?q`, not `http://h/apix`. Origins always end in `/`
 * after normalisation, so `http://h:1` never matches `http://h:10`.
 */
export function urlMatchesPrefix(href: string, prefix: string): boolean {
  if (!href.startsWith(prefix)) return false;
  if (prefix.endsWith('/') || href.length === prefix.length) return true;
  const next = href.charAt(prefix.length);
  return next === '/' || next === '?' || next === '#';
}
