// Client-side checks that mirror the gateway's own, so most mistakes are caught before a request.
// The gateway stays the judge: its error message is shown whenever it refuses.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** An empty field is `null` (no limit); otherwise a number >= `min` (an integer if asked). */
export function parseOptionalNumber(
  text: string,
  options: { integer?: boolean; min?: number; max?: number } = {},
): Parsed<number | null> {
  const trimmed = text.trim();
  if (trimmed === '') return ok(null);
  const value = Number(trimmed);
  const min = options.min ?? 0;
  if (!Number.isFinite(value)) return fail('Enter a number');
  if (options.integer && !Number.isInteger(value)) return fail('Enter a whole number');
  if (value < min) return fail(`Enter a number of at least ${min}`);
  if (options.max !== undefined && value > options.max) return fail(`Enter at most ${options.max}`);
  return ok(value);
}

/** Comma- or newline-separated names, trimmed and de-duplicated. */
export function parseList(text: string): string[] {
  const items = text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...new Set(items)];
}

const DURATION = /^(\d{1,4})(s|m|h|d|mo)$/;
const NAMED_DURATIONS = new Set(['daily', 'weekly', 'monthly']);

/** `30s`, `10m`, `12h`, `7d`, `1mo`, `daily`, `weekly`, `monthly`; empty is `null`. */
export function parseDuration(text: string): Parsed<string | null> {
  const trimmed = text.trim();
  if (trimmed === '') return ok(null);
  const match = DURATION.exec(trimmed);
  if (NAMED_DURATIONS.has(trimmed) || (match && Number(match[1]) > 0)) return ok(trimmed);
  return fail('Use a duration like 30s, 10m, 12h, 7d, 1mo, daily, weekly or monthly');
}

// Ids end up in logs, headers and Redis keys on the gateway: the same characters it allows.
const SAFE_ID = /^[A-Za-z0-9._:@+\-/]+$/;

/** An optional id (team_id, user_id); empty is `null`. */
export function parseOptionalId(text: string, maxLength = 128): Parsed<string | null> {
  const trimmed = text.trim();
  if (trimmed === '') return ok(null);
  if (trimmed.length > maxLength) return fail(`Use at most ${maxLength} characters`);
  if (!SAFE_ID.test(trimmed)) return fail('Use only letters, digits and . _ : @ + - /');
  return ok(trimmed);
}

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A label (alias, name): required unless `optional`; no control characters. */
export function parseLabel(text: string, optional = true, maxLength = 255): Parsed<string | null> {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? ok(null) : fail('Required');
  if (trimmed.length > maxLength) return fail(`Use at most ${maxLength} characters`);
  if (CONTROL.test(trimmed)) return fail('Remove control characters');
  return ok(trimmed);
}

/** Free text that must not be blank (a prompt): kept as typed. */
export function parseRequiredText(text: string): Parsed<string> {
  return text.trim() === '' ? fail('Required') : ok(text);
}

/** An http(s) URL; required unless `optional`. */
export function parseHttpUrl(text: string, optional = false): Parsed<string | null> {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? ok(null) : fail('Required');
  try {
    const url = new URL(trimmed);
    if (url.protocol === 'http:' || url.protocol === 'https:') return ok(trimmed);
  } catch {
    // falls through to the message below
  }
  return fail('Enter an http:// or https:// URL');
}

const SERVER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** An MCP server or A2A agent id: lower case, digits, `_` and `-`; empty is `null` (derived). */
export function parseRegistryId(text: string): Parsed<string | null> {
  const trimmed = text.trim();
  if (trimmed === '') return ok(null);
  if (!SERVER_ID.test(trimmed)) return fail('Use 1-64 lower-case letters, digits, _ or -');
  return ok(trimmed);
}

/** A JSON object (tool arguments); empty is `{}`. */
export function parseJsonObject(text: string): Parsed<Record<string, unknown>> {
  if (text.trim() === '') return ok({});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('Enter a JSON object, e.g. {"query": "…"}');
  }
  return ok(value as Record<string, unknown>);
}

/** Every field's error, or the values when all parsed. */
export function collect<T extends Record<string, Parsed<unknown>>>(
  fields: T,
):
  | { values: { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never }; errors: null }
  | {
      values: null;
      errors: Partial<Record<keyof T, string>>;
    } {
  const errors: Partial<Record<keyof T, string>> = {};
  const values: Record<string, unknown> = {};
  for (const [name, parsed] of Object.entries(fields)) {
    if (parsed.ok) values[name] = parsed.value;
    else errors[name as keyof T] = parsed.error;
  }
  if (Object.keys(errors).length > 0) return { values: null, errors };
  return {
    values: values as { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never },
    errors: null,
  };
}
