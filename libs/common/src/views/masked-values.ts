/** What a view shows in place of a secret value (a header value, an environment variable). */
export const MASKED_VALUE = '********';

/** `values` with every value a map of secrets: each replaced by `MASKED_VALUE`. */
export function maskValues(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(values).map((name) => [name, MASKED_VALUE]));
}

/**
 * A view's masked values sent back on an update keep the stored values, so a client can send a
 * view back as it got it. Names match case-insensitively (headers) unless `caseInsensitive` is
 * false (environment variables).
 */
export function unmasked(
  values: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>>,
  caseInsensitive = true,
): Record<string, string> {
  const fold = (name: string): string => (caseInsensitive ? name.toLowerCase() : name);
  const known = new Map(Object.entries(stored).map(([name, value]) => [fold(name), value]));
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value === MASKED_VALUE ? (known.get(fold(name)) ?? value) : value,
    ]),
  );
}
