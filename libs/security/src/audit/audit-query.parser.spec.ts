import {
  decodeAuditCursor,
  encodeAuditCursor,
  MAX_AUDIT_QUERY_LIMIT,
  parseAuditQuery,
} from './audit-query.parser';
import { AuditErrorCode, AuditException } from './audit.exception';

function rejection(query: Record<string, unknown>): AuditException {
  try {
    parseAuditQuery(query);
  } catch (error) {
    if (error instanceof AuditException) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('parseAuditQuery', () => {
  it('defaults to the newest 50 rows, unfiltered', () => {
    expect(parseAuditQuery({})).toEqual({
      action: undefined,
      resourceType: undefined,
      resourceId: undefined,
      outcome: undefined,
      since: undefined,
      until: undefined,
      after: undefined,
      limit: 50,
    });
  });

  it('maps every filter', () => {
    const cursor = encodeAuditCursor({
      createdAt: new Date('2025-11-28T10:00:00.000Z'),
      id: 'abc',
    });
    expect(
      parseAuditQuery({
        action: 'key.generate',
        actor: 'key-01...89ab',
        resource_type: 'key',
        resource_id: 'key-42',
        outcome: 'denied',
        since: '2025-11-01',
        until: '2025-11-28T12:00:00 01:00',
        limit: '500',
        cursor,
      }),
    ).toEqual({
      action: 'key.generate',
      actorId: 'key-01…89ab',
      resourceType: 'key',
      resourceId: 'key-42',
      outcome: 'denied',
      since: new Date('2025-11-01T00:00:00.000Z'),
      until: new Date('2025-11-28T11:00:00.000Z'),
      after: { createdAt: new Date('2025-11-28T10:00:00.000Z'), id: 'abc' },
      limit: MAX_AUDIT_QUERY_LIMIT,
    });
  });

  it('reads an actor type as a type filter', () => {
    expect(parseAuditQuery({ actor: 'system' })).toMatchObject({ actorType: 'system' });
    expect(parseAuditQuery({ actor: 'anonymous' })).not.toHaveProperty('actorId');
  });

  it.each([
    [{ page: '2' }, 'page'],
    [{ action: ['a', 'b'] }, 'action'],
    [{ action: 'drop table' }, 'action'],
    [{ actor: '' }, 'actor'],
    [{ resource_id: 'x'.repeat(256) }, 'resource_id'],
    [{ outcome: 'pending' }, 'outcome'],
    [{ since: 'yesterday' }, 'since'],
    [{ since: '2025-11-28T10:00:00' }, 'since'],
    [{ until: '2025-13-40' }, 'until'],
    [{ since: '2025-11-28', until: '2025-11-01' }, 'until'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ limit: '-1' }, 'limit'],
    [{ cursor: 'not a cursor' }, 'cursor'],
  ])('rejects %j naming %s', (query, param) => {
    const error = rejection(query);
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: AuditErrorCode.InvalidQuery,
      param,
    });
  });
});

describe('audit cursors', () => {
  it('round-trip a position as opaque base64url', () => {
    const position = { createdAt: new Date('2025-11-28T10:00:00.123Z'), id: 'a1b2-c3' };
    const cursor = encodeAuditCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAuditCursor(cursor)).toEqual(position);
  });

  it.each([
    Buffer.from('{}').toString('base64url'),
    Buffer.from('not json').toString('base64url'),
    Buffer.from('["not a date","id"]').toString('base64url'),
    Buffer.from('["2025-11-28T10:00:00.000Z",""]').toString('base64url'),
    Buffer.from('["2025-11-28T10:00:00.000Z",1]').toString('base64url'),
    Buffer.from(`["2025-11-28T10:00:00.000Z","${'x'.repeat(37)}"]`).toString('base64url'),
    'abc=',
  ])('rejects %s', (cursor) => {
    expect(() => decodeAuditCursor(cursor)).toThrow(
      expect.objectContaining({ status: 400, param: 'cursor' }),
    );
  });
});
