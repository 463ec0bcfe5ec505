import { isA2aAgentId, type A2aAuthType } from '@routeiq/persistence';

export type Body = Readonly<Record<string, unknown>>;

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
const CONTROL_CHARS = /[\r\n\0]/;
const MAX_VALUE = 8192;
// Hop-by-hop headers and those the proxy owns: a static value would break the call.
const REFUSED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-type',
  'a2a-version',
]);
export const A2A_AUTH_TYPES: Readonly<Record<string, A2aAuthType>> = {
  none: 'none',
  bearer_token: 'bearer_token',
  bearer: 'bearer_token',
  api_key: 'api_key',
};

/** Collects `field: problem` lines so one 400 names everything wrong with a body. */
export class FieldProblems {
  readonly lines: string[] = [];
  first: string | undefined;

  add(field: string, problem: string): void {
    this.first ??= field;
    this.lines.push(`${field}: ${problem}`);
  }
}

export function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A trimmed non-blank string up to `max` characters; null/'' give null when `nullable`. */
export function text(
  value: unknown,
  field: string,
  problems: FieldProblems,
  max: number,
): string | undefined {
  if (typeof value === 'string' && value.trim() !== '' && value.trim().length <= max) {
    return value.trim();
  }
  problems.add(field, `must be a non-empty string of at most ${max} characters`);
  return undefined;
}

/** An absolute http(s) URL without userinfo (the SSRF guard runs at registration). */
export function httpUrl(
  value: unknown,
  field: string,
  problems: FieldProblems,
): string | undefined {
  if (typeof value === 'string' && value.length <= 2048) {
    try {
      const url = new URL(value.trim());
      const web = url.protocol === 'http:' || url.protocol === 'https:';
      if (web && url.username === '' && url.password === '') return url.href;
    } catch {
      // reported below
    }
  }
  problems.add(field, 'must be an absolute http(s) URL without credentials');
  return undefined;
}

/** A list of non-blank strings, trimmed and deduplicated; null is the empty list. */
export function stringList(value: unknown, field: string, problems: FieldProblems): string[] {
  if (value === null || value === undefined) return [];
  const ok =
    Array.isArray(value) &&
    value.length <= 1000 &&
    value.every((item) => typeof item === 'string' && item.trim() !== '' && item.length <= 256);
  if (ok) return [...new Set((value as string[]).map((item) => item.trim()))];
  problems.add(field, 'must be an array of non-empty strings');
  return [];
}

/** `key_rpm_limit`: a positive integer, or null (no per-key limit on the agent). */
export function keyRpmLimit(value: unknown, problems: FieldProblems): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  problems.add('key_rpm_limit', 'must be a positive integer (requests per minute) or null');
  return null;
}

export function headerName(value: unknown, field: string, problems: FieldProblems): string | null {
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    problems.add(field, 'must be a valid HTTP header name');
    return null;
  }
  if (REFUSED_HEADERS.has(value.toLowerCase())) {
    problems.add(field, `${JSON.stringify(value)} is managed by the gateway and cannot be set`);
    return null;
  }
  return value;
}

export function headerValue(value: unknown, field: string, problems: FieldProblems): string | null {
  if (typeof value === 'string' && value.length <= MAX_VALUE && !CONTROL_CHARS.test(value)) {
    return value;
  }
  problems.add(field, `must be a string of at most ${MAX_VALUE} characters without line breaks`);
  return null;
}

/** `{ "Header-Name": "value" }`; duplicates (any case) refused; null is `{}`. */
export function headerMap(
  value: unknown,
  field: string,
  problems: FieldProblems,
): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (!isObject(value) || Object.keys(value).length > 64) {
    problems.add(field, 'must be an object of at most 64 header values');
    return {};
  }
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(value)) {
    const checkedName = headerName(name, `${field}.${name}`, problems);
    const checkedValue = headerValue(raw, `${field}.${name}`, problems);
    if (checkedName === null || checkedValue === null) continue;
    if (seen.has(name.toLowerCase())) problems.add(`${field}.${name}`, 'is given twice');
    seen.add(name.toLowerCase());
    headers[checkedName] = checkedValue;
  }
  return headers;
}

/** A slug of a display name usable as an agent id, or undefined when nothing usable is left. */
export function slugOf(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return isA2aAgentId(slug) ? slug : undefined;
}
