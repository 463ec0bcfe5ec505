import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  ValidateBy,
  validateSync,
  type ValidationArguments,
} from 'class-validator';
import { isAbsolute } from 'node:path';
import { describeType, describeValue, flattenValidationErrors, isMapping } from './config-problems';
import type { ConfigProblem } from './gateway-config.types';

/** A single-test validator whose message is built from the offending value. */
export function Check(
  name: string,
  test: (value: unknown) => boolean,
  message: (value: unknown) => string,
): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => test(value),
      defaultMessage: (args?: ValidationArguments) => message(args?.value),
    },
  });
}

/** One rule, one message: `<text> (got <value>)`. Values are hidden for fields that may be secret. */
function rule(
  name: string,
  text: string,
  test: (value: unknown) => boolean,
  show: (value: unknown) => string = describeValue,
): PropertyDecorator {
  return Check(name, test, (value) => `${text} (got ${show(value)})`);
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export const PositiveNumber = (): PropertyDecorator =>
  rule('positiveNumber', 'must be a positive number', (v) => isFiniteNumber(v) && v > 0);

export const NonNegativeNumber = (): PropertyDecorator =>
  rule('nonNegativeNumber', 'must be a number >= 0', (v) => isFiniteNumber(v) && v >= 0);

export const NonNegativeInt = (): PropertyDecorator =>
  rule('nonNegativeInt', 'must be an integer >= 0', (v) => Number.isInteger(v) && Number(v) >= 0);

export const PositiveInt = (): PropertyDecorator =>
  rule('positiveInt', 'must be a positive integer', (v) => Number.isInteger(v) && Number(v) > 0);

export const IntBetween = (min: number, max: number): PropertyDecorator =>
  rule(
    'intBetween',
    `must be an integer between ${min} and ${max}`,
    (v) => Number.isInteger(v) && Number(v) >= min && Number(v) <= max,
  );

/** A string field that may carry a secret: the message names the type, never the value. */
export const StringValue = (): PropertyDecorator =>
  rule('string', 'must be a string', (v) => typeof v === 'string', describeType);

export const NonEmptyString = (): PropertyDecorator =>
  rule(
    'nonEmptyString',
    'must be a non-empty string',
    (v) => typeof v === 'string' && v.trim() !== '',
    describeType,
  );

export const OneOf = (allowed: readonly string[], text?: string): PropertyDecorator =>
  rule(
    'oneOf',
    text ?? `must be one of ${allowed.join(', ')}`,
    (v) => typeof v === 'string' && allowed.includes(v),
  );

export const IsMapping = (): PropertyDecorator =>
  rule('mapping', 'must be a mapping', isMapping, describeType);

export const HttpUrl = (): PropertyDecorator =>
  rule(
    'httpUrl',
    'must be an http(s) URL such as https://api.example.com/v1',
    isHttpUrl,
    describeType,
  );

export const AbsolutePath = (): PropertyDecorator =>
  rule('absolutePath', 'must be an absolute path', (v) => typeof v === 'string' && isAbsolute(v));

/** A mapping of header names to string values (`extra_headers`). */
export const StringMap = (): PropertyDecorator =>
  rule(
    'stringMap',
    'must be a mapping of header names to strings',
    (v) => isMapping(v) && Object.values(v).every((value) => typeof value === 'string'),
    describeType,
  );

export const BooleanValue = (text = 'must be a boolean'): PropertyDecorator =>
  rule('boolean', text, (v) => typeof v === 'boolean');

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Numeric strings become numbers (they are common after `os.environ/` resolution); the rest is kept so the message shows what was written. */
export function toNumberIfNumeric(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

/** class-transformer hook for numeric YAML / env fields. */
export const NumericInput = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => toNumberIfNumeric(value));

/** Property names a schema class declares validators for: its known keys. */
export function schemaKeys(cls: new () => object): ReadonlySet<string> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return new Set(metadata.map((m) => m.propertyName));
}

export interface SectionResult<T> {
  /** Known keys that were present and valid-typed (null counts as absent). */
  readonly values: Partial<T>;
  /** Keys the schema does not declare, verbatim. */
  readonly extra: Record<string, unknown>;
}

/**
 * Validates one mapping of the YAML document against a schema class. Problems are appended with
 * paths under `path`; unknown keys come back in `extra` for the caller to keep or warn about.
 */
export function validateSection<T extends object>(
  cls: new () => T,
  raw: Readonly<Record<string, unknown>>,
  path: string,
  problems: ConfigProblem[],
): SectionResult<T> {
  const keys = schemaKeys(cls);
  const known: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (keys.has(key)) known[key] = value;
    else extra[key] = value;
  }
  const instance = plainToInstance(cls, known, { enableImplicitConversion: false });
  problems.push(
    ...flattenValidationErrors(validateSync(instance, { stopAtFirstError: true }), path),
  );
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (instance as Record<string, unknown>)[key];
    if (value !== undefined && value !== null) values[key] = value;
  }
  return { values: values as Partial<T>, extra };
}
