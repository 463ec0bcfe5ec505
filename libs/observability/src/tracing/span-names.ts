/** Pairs whose joined name is kept, at most (past it, names are joined each time). */
const NAMES_LIMIT = 4096;

const names = new Map<string, Map<string, string>>();
let count = 0;

/**
 * `${first} ${second}` (`chat gpt-4o`, `POST /v1/chat/completions`, `route gpt-4o`), the same
 * string each time for the same pair: a span name is then one flat string the exporter has seen
 * (its encoded bytes are kept, see GatewaySpanEncoder) instead of a new concatenation per request.
 */
export function spanName(first: string, second: string): string {
  let bySecond = names.get(first);
  let name = bySecond?.get(second);
  if (name !== undefined) return name;
  name = `${first} ${second}`;
  if (count >= NAMES_LIMIT) return name;
  if (bySecond === undefined) names.set(first, (bySecond = new Map<string, string>()));
  bySecond.set(second, name);
  count += 1;
  return name;
}
