/** A parsed query string as Express hands it over: a repeated name arrives as an array. */
export type RawQuery = Readonly<Record<string, unknown>>;

/** Builds the module's own 400 for a bad parameter (its error code, the parameter named). */
export type QueryProblem = (param: string, message: string) => Error;

/** Where a keyset-paginated listing resumes: the last row's creation time and id. */
export interface PagePosition {
  readonly createdAt: Date;
  readonly id: string;
}

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const LIMIT = /^\d+$/;

/** Opaque cursor for the row after which the next page starts. */
export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString(
    'base64url',
  );
}

/** Reads back a cursor from `encodePageCursor` whose id passes `isId`; else a 400 on `cursor`. */
export function decodePageCursor(
  cursor: string,
  isId: (id: string) => boolean,
  problem: QueryProblem,
): PagePosition {
  const invalid = (): Error => problem('cursor', 'is not a cursor returned by this endpoint');
  if (!CURSOR.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid();
  const [at, id] = decoded as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !isId(id)) throw invalid();
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return { createdAt, id };
}

/**
 * Reads an admin listing's query parameters; every problem is thrown as the caller's 400 naming the
 * parameter. Parameters are read in the order the caller asks, so the first problem is reported.
 */
export class QueryParamsReader {
  constructor(
    private readonly query: RawQuery,
    private readonly invalid: QueryProblem,
  ) {}

  refuseUnknown(allowed: ReadonlySet<string>): void {
    for (const name of Object.keys(this.query)) {
      if (!allowed.has(name)) throw this.invalid(name, 'unknown parameter');
    }
  }

  /** A parameter given at most once, non-empty and at most `max` characters. */
  text(name: string, max: number): string | undefined {
    const value = this.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw this.invalid(name, 'must be given once');
    if (value.length === 0) throw this.invalid(name, 'must not be empty');
    if (value.length > max) throw this.invalid(name, `must be at most ${max} characters`);
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.text(name, 32);
    if (value === undefined) return undefined;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) throw this.invalid(name, `must be one of: ${allowed.join(', ')}`);
    return match;
  }

  /** `limit`: an integer from 1 to `max`, `fallback` when absent. */
  limit(fallback: number, max: number): number {
    const value = this.text('limit', 8);
    if (value === undefined) return fallback;
    const parsed = LIMIT.test(value) ? Number(value) : Number.NaN;
    if (!(parsed >= 1 && parsed <= max)) {
      throw this.invalid('limit', `must be an integer from 1 to ${max}`);
    }
    return parsed;
  }
}
