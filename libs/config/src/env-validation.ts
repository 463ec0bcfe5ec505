import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from './config-problems';
import { ConfigValidationError } from './config-validation.error';

/**
 * Builds a class-validator config class from already-converted values and validates it.
 * Convert strings yourself first, leaving unconvertible ones as they are so messages show them.
 * @param names environment variable or flag name per property, used in problem paths.
 * @throws ConfigValidationError (source `environment`) naming every bad key.
 */
export function validateEnv<T extends object>(
  cls: new () => T,
  values: Record<string, unknown>,
  names: Partial<Record<keyof T, string>>,
): T {
  const instance = plainToInstance(cls, values, { enableImplicitConversion: false });
  const errors = validateSync(instance, { stopAtFirstError: true });
  if (errors.length > 0) {
    const nameOf = (property: string): string => names[property as keyof T] ?? property;
    throw new ConfigValidationError(flattenValidationErrors(errors, '', nameOf), 'environment');
  }
  return instance;
}

/**
 * A boolean environment variable: unset or blank → `fallback`; `true`/`1`/`yes`/`on` and
 * `false`/`0`/`no`/`off` (any case, trimmed); anything else is returned as it is, so validation
 * names it.
 */
export function envBoolean(value: string | undefined, fallback: boolean): boolean | string {
  const normalised = value?.trim().toLowerCase();
  if (normalised === undefined || normalised === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  return value ?? '';
}
