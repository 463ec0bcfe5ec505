type Env = Readonly<Record<string, string | undefined>>;

/** A trimmed variable; unset or blank → undefined. */
export function envText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A lower-cased word, else `fallback`. */
export function envWord(env: Env, name: string, fallback: string): string {
  return envText(env, name)?.toLowerCase() ?? fallback;
}

/** A comma-separated, lower-cased list without blanks or repeats, else `fallback`. */
export function envList(env: Env, name: string, fallback: readonly string[]): string[] {
  const text = envText(env, name);
  if (text === undefined) return [...fallback];
  const entries = text.split(',').map((entry) => entry.trim().toLowerCase());
  return [...new Set(entries.filter((entry) => entry !== ''))];
}

/** A number, else `fallback`; text that is not a number is returned as it is, for the message. */
export function envNumber(env: Env, name: string, fallback: number): number | string {
  const text = envText(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}
