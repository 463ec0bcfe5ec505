/** How one numeric trainer option is checked; string options list their allowed values. */
export type OptionRule =
  { readonly min: number; readonly max: number; readonly integer?: boolean } | readonly string[];

export type OptionRules<Options> = { readonly [Key in keyof Options]: OptionRule };

/**
 * Merges caller options over defaults, refusing unknown keys, wrong types and out-of-range values
 * (options come from CLI flags and config files).
 * @throws RangeError naming the bad option.
 */
export function resolveOptions<Options extends object>(
  defaults: Options,
  rules: OptionRules<Options>,
  given: Partial<Options> | undefined,
): Options {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  const ruleTable = rules as Readonly<Record<string, OptionRule>>;
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    const rule = ruleTable[key];
    if (!rule) throw new RangeError(`unknown option "${key}"`);
    if (Array.isArray(rule)) {
      if (typeof value !== 'string' || !rule.includes(value)) {
        throw new RangeError(`option "${key}" must be one of ${rule.join(', ')}`);
      }
    } else {
      checkNumber(key, value, rule as Exclude<OptionRule, readonly string[]>);
    }
    merged[key] = value;
  }
  return merged as Options;
}

function checkNumber(
  key: string,
  value: unknown,
  rule: { readonly min: number; readonly max: number; readonly integer?: boolean },
): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`option "${key}" must be a finite number`);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new RangeError(`option "${key}" must be an integer`);
  }
  if (value < rule.min || value > rule.max) {
    throw new RangeError(`option "${key}" must be in [${rule.min}, ${rule.max}]`);
  }
}

/** Rule for the `seed` option every trainer takes. */
export const SEED_RULE = { min: 0, max: 0xffffffff, integer: true } as const;
