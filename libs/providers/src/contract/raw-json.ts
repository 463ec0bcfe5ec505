const RAW_JSON = Symbol('routeiq.rawJson');

/**
 * Tags a payload parsed from an upstream with the exact JSON text it came from, so the gateway can
 * send those bytes on instead of serialising the object again. The tag is a non-enumerable symbol:
 * `JSON.stringify` ignores it and object spreads drop it, so code that changes a payload (always by
 * building a new object; payloads are never mutated in place) can never send stale bytes.
 */
export function withRawJson<T extends object>(payload: T, json: string): T {
  Object.defineProperty(payload, RAW_JSON, { value: json });
  return payload;
}

/** The payload as JSON text: the verbatim upstream text when tagged, else serialised. */
export function toJson(payload: object): string {
  return (payload as { [RAW_JSON]?: string })[RAW_JSON] ?? JSON.stringify(payload);
}
