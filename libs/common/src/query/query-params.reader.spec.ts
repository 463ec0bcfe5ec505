import {
  decodePageCursor,
  encodePageCursor,
  QueryParamsReader,
  type QueryProblem,
  type RawQuery,
} from './query-params.reader';

class BadParam extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

const problem: QueryProblem = (param, message) => new BadParam(param, message);

function refusal(read: () => unknown): { param: string; message: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof BadParam) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

function reader(query: RawQuery): QueryParamsReader {
  return new QueryParamsReader(query, problem);
}

const isDigits = (id: string): boolean => /^\d+$/.test(id);

describe(QueryParamsReader.name, () => {
  it('reads a parameter given once and leaves an absent one undefined', () => {
    expect(reader({ a: 'x' }).text('a', 5)).toBe('x');
    expect(reader({}).text('a', 5)).toBeUndefined();
  });

  it('refuses repeated, empty, too long and unknown parameters, naming them', () => {
    expect(refusal(() => reader({ a: ['x', 'y'] }).text('a', 5))).toEqual({
      param: 'a',
      message: 'must be given once',
    });
    expect(refusal(() => reader({ a: '' }).text('a', 5)).message).toBe('must not be empty');
    expect(refusal(() => reader({ a: 'abcdef' }).text('a', 5)).message).toBe(
      'must be at most 5 characters',
    );
    expect(refusal(() => reader({ a: 'x', b: 'y' }).refuseUnknown(new Set(['a'])))).toEqual({
      param: 'b',
      message: 'unknown parameter',
    });
  });

  it('takes one of the allowed values only', () => {
    expect(reader({ o: 'ok' }).oneOf('o', ['ok', 'fail'])).toBe('ok');
    expect(reader({}).oneOf('o', ['ok'])).toBeUndefined();
    expect(refusal(() => reader({ o: 'maybe' }).oneOf('o', ['ok', 'fail']))).toEqual({
      param: 'o',
      message: 'must be one of: ok, fail',
    });
  });

  it('reads limit from 1 to the maximum, with a default', () => {
    expect(reader({}).limit(50, 500)).toBe(50);
    expect(reader({ limit: '500' }).limit(50, 500)).toBe(500);
    for (const limit of ['0', '501', '1.5', '-1', 'ten']) {
      expect(refusal(() => reader({ limit }).limit(50, 500))).toEqual({
        param: 'limit',
        message: 'must be an integer from 1 to 500',
      });
    }
  });
});

describe('page cursors', () => {
  const position = { createdAt: new Date('2025-11-28T10:00:00.000Z'), id: '42' };

  it('round-trips a position', () => {
    const cursor = encodePageCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageCursor(cursor, isDigits, problem)).toEqual(position);
  });

  it('refuses anything it did not make, or an id the caller rejects', () => {
    const forged = (value: unknown): string =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'not a cursor!',
      forged({ at: 1 }),
      forged(['2025-11-28T10:00:00Z']),
      forged(['not a date', '42']),
      forged(['2025-11-28T10:00:00Z', 42]),
      encodePageCursor({ ...position, id: 'abc' }),
      Buffer.from('{').toString('base64url'),
    ];
    for (const cursor of bad) {
      expect(refusal(() => decodePageCursor(cursor, isDigits, problem))).toEqual({
        param: 'cursor',
        message: 'is not a cursor returned by this endpoint',
      });
    }
  });
});
