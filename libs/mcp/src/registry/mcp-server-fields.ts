import { isMcpServerId } from '@routeiq/persistence';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
const CONTROL_CHARS = /[\r\n\0]/;
const MAX_VALUE = 8192;
const MAX_ENTRIES = 64;
const MAX_LIST_ITEM = 256;

// Hop-by-hop headers and those the MCP transport owns: a static value would break the connection.
const REFUSED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'mcp-session-id',
  'mcp-protocol-version',
]);

/** Collects `field: problem` lines so one 400 names everything wrong with a body. */
export class FieldProblems {
  readonly lines: string[] = [];
  private firstField?: string;

  add(field: string, problem: string): void {
    this.firstField ??= field;
    this.lines.push(`${field}: ${problem}`);
  }

  get first(): string | undefined {
    return this.firstField;
  }
}

export type Body = Readonly<Record<string, unknown>>;

/** The first of `names` present in `body` (null counts as present), with its name. */
export function pick(
  body: Body,
  names: readonly string[],
): { name: string; value: unknown } | undefined {
  for (const name of names) {
    if (body[name] !== undefined) return { name, value: body[name] };
  }
  return undefined;
}

/** A non-blank string (trimmed) up to `max` characters, or undefined after noting a problem. */
export function text(
  value: unknown,
  field: string,
  problems: FieldProblems,
  max = 256,
): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(field, 'must be a non-empty string');
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.length > max) {
    problems.add(field, `must be at most ${max} characters`);
    return undefined;
  }
  return trimmed;
}

/** Like `text`, but null or an empty string clear the field (null). */
export function optionalText(
  value: unknown,
  field: string,
  problems: FieldProblems,
  max = 256,
): string | null | undefined {
  if (value === null || value === '') return null;
  return text(value, field, problems, max);
}

export function bool(value: unknown, field: string, problems: FieldProblems): boolean | undefined {
  if (typeof value === 'boolean') return value;
  problems.add(field, 'must be true or false');
  return undefined;
}

/** A list of non-blank strings, deduplicated; null is the empty list. */
export function stringList(
  value: unknown,
  field: string,
  problems: FieldProblems,
): string[] | undefined {
  if (value === null) return [];
  if (!Array.isArray(value) || value.length > 1000) {
    problems.add(field, 'must be an array of strings (at most 1000)');
    return undefined;
  }
  const bad = value.some(
    (item) => typeof item !== 'string' || item.trim() === '' || item.length > MAX_LIST_ITEM,
  );
  if (bad) {
    problems.add(field, `must hold non-empty strings of at most ${MAX_LIST_ITEM} characters`);
    return undefined;
  }
  return [...new Set((value as string[]).map((item) => item.trim()))];
}

/** Process arguments: kept verbatim (an empty argument is legal). */
export function argList(
  value: unknown,
  field: string,
  problems: FieldProblems,
): string[] | undefined {
  if (value === null) return [];
  const ok =
    Array.isArray(value) &&
    value.length <= 1000 &&
    value.every((item) => typeof item === 'string' && item.length <= MAX_VALUE);
  if (ok) return value as string[];
  problems.add(field, 'must be an array of strings');
  return undefined;
}

/** An http(s) URL without userinfo (the SSRF guard runs later, at registration). */
export function httpUrl(
  value: unknown,
  field: string,
  problems: FieldProblems,
): string | null | undefined {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > 2048) {
    problems.add(field, 'must be an http(s) URL of at most 2048 characters');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    problems.add(field, 'must be an absolute http(s) URL');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.add(field, 'must use http or https');
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    problems.add(field, 'must not carry credentials (use credentials or static_headers)');
    return undefined;
  }
  return url.href;
}

/** A header name the gateway may send upstream, lower-cased for comparison. */
export function headerName(
  value: unknown,
  field: string,
  problems: FieldProblems,
): string | undefined {
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    problems.add(field, 'must be a valid HTTP header name');
    return undefined;
  }
  if (REFUSED_HEADERS.has(value.toLowerCase())) {
    problems.add(field, `${JSON.stringify(value)} is managed by the gateway and cannot be set`);
    return undefined;
  }
  return value;
}

/** A header or credential value: a string without CR, LF or NUL. */
export function headerValue(
  value: unknown,
  field: string,
  problems: FieldProblems,
): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_VALUE || CONTROL_CHARS.test(value)) {
    problems.add(field, `must be a string of at most ${MAX_VALUE} characters without line breaks`);
    return undefined;
  }
  return value;
}

/** `{ "Header-Name": "value" }`; names validated, duplicates (any case) refused; null is `{}`. */
export function headerMap(
  value: unknown,
  field: string,
  problems: FieldProblems,
): Record<string, string> | undefined {
  const entries = objectEntries(value, field, problems);
  if (!entries) return undefined;
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  let ok = true;
  for (const [name, raw] of entries) {
    const checkedName = headerName(name, `${field}.${name}`, problems);
    const checkedValue = headerValue(raw, `${field}.${name}`, problems);
    if (checkedName === undefined || checkedValue === undefined) ok = false;
    else if (seen.has(name.toLowerCase())) {
      problems.add(`${field}.${name}`, 'is given twice');
      ok = false;
    } else {
      seen.add(name.toLowerCase());
      headers[checkedName] = checkedValue;
    }
  }
  return ok ? headers : undefined;
}

/** `{ "NAME": "value" }` for a stdio process; null is `{}`. */
export function envMap(
  value: unknown,
  field: string,
  problems: FieldProblems,
): Record<string, string> | undefined {
  const entries = objectEntries(value, field, problems);
  if (!entries) return undefined;
  const env: Record<string, string> = {};
  let ok = true;
  for (const [name, raw] of entries) {
    if (!ENV_NAME.test(name)) {
      problems.add(`${field}.${name}`, 'must be an environment variable name');
      ok = false;
    } else if (typeof raw !== 'string' || raw.length > MAX_VALUE || raw.includes('\0')) {
      problems.add(`${field}.${name}`, 'must be a string');
      ok = false;
    } else env[name] = raw;
  }
  return ok ? env : undefined;
}

function objectEntries(
  value: unknown,
  field: string,
  problems: FieldProblems,
): Array<[string, unknown]> | undefined {
  if (value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.add(field, 'must be an object of strings');
    return undefined;
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ENTRIES) {
    problems.add(field, `must have at most ${MAX_ENTRIES} entries`);
    return undefined;
  }
  return entries;
}

/** A slug of a display name usable as a server id, or undefined when nothing usable is left. */
export function slugOf(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return isMcpServerId(slug) ? slug : undefined;
}
