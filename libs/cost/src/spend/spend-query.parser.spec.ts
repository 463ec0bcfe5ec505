import { createHash } from 'node:crypto';
import { CostErrorCode, CostException } from '../cost.exception';
import {
  DEFAULT_SPEND_LOG_LIMIT,
  encodeSpendCursor,
  parseSpendLogQuery,
  parseSpendReportQuery,
} from './spend-query.parser';

function refusal(parse: () => unknown): { code: string; param: string | null; status: number } {
  try {
    parse();
  } catch (error) {
    if (error instanceof CostException) {
      return { code: error.code, param: error.param, status: error.status };
    }
    throw error;
  }
  throw new Error('accepted');
}

describe('spend query parsers', () => {
  it('reads log filters, a UTC day range with an inclusive end, limit and cursor', () => {
    const cursor = encodeSpendCursor({ createdAt: new Date('2025-11-28T10:00:00Z'), id: '42' });
    expect(
      parseSpendLogQuery({
        key_id: 'vk-0123456789ab',
        team_id: 'team-1',
        user_id: 'alice',
        model: 'gpt-4o',
        deployment_id: 'dep-1',
        request_id: 'req-1',
        start_date: '2025-11-01',
        end_date: '2025-11-30',
        limit: '10',
        cursor,
      }),
    ).toEqual({
      keyId: 'vk-0123456789ab',
      teamId: 'team-1',
      userId: 'alice',
      model: 'gpt-4o',
      deploymentId: 'dep-1',
      requestId: 'req-1',
      since: new Date('2025-11-01T00:00:00.000Z'),
      until: new Date('2025-12-01T00:00:00.000Z'),
      after: { createdAt: new Date('2025-11-28T10:00:00Z'), id: '42' },
      limit: 10,
    });
    expect(parseSpendLogQuery({}).limit).toBe(DEFAULT_SPEND_LOG_LIMIT);
  });

  it('takes date-times with a zone as instants, both bounds included', () => {
    const query = parseSpendLogQuery({
      start_date: '2025-11-28T10:00:00+02:00',
      end_date: '2025-11-28T10:00:00Z',
    });
    expect(query.since).toEqual(new Date('2025-11-28T08:00:00.000Z'));
    expect(query.until).toEqual(new Date('2025-11-28T10:00:00.001Z'));
    // An unescaped `+` arrives as a space.
    expect(parseSpendLogQuery({ start_date: '2025-11-28T10:00 02:00' }).since).toEqual(
      new Date('2025-11-28T08:00:00.000Z'),
    );
  });

  it('maps LiteLLM api_key (the key or its hash) to the key id request logs carry', () => {
    const key = 'sk-some-virtual-key';
    const hash = createHash('sha256').update(key).digest('hex');
    const id = `vk-${hash.slice(0, 12)}`;
    expect(parseSpendLogQuery({ api_key: key }).keyId).toBe(id);
    expect(parseSpendLogQuery({ api_key: hash }).keyId).toBe(id);
    expect(parseSpendLogQuery({ api_key: id }).keyId).toBe(id);
  });

  it('reads report grouping (team by default) and filters', () => {
    expect(parseSpendReportQuery({})).toMatchObject({ groupBy: 'team', limit: 100 });
    for (const groupBy of ['key', 'team', 'user', 'model', 'deployment', 'day']) {
      expect(parseSpendReportQuery({ group_by: groupBy }).groupBy).toBe(groupBy);
    }
    expect(parseSpendReportQuery({ group_by: 'day', team_id: 't', limit: '1000' })).toMatchObject({
      groupBy: 'day',
      teamId: 't',
      limit: 1000,
    });
  });

  it.each([
    [{ group_by: 'week' }, 'group_by'],
    [{ group_by: ['key', 'team'] }, 'group_by'],
    [{ start_date: '2025-13-45' }, 'start_date'],
    [{ start_date: '28/11/2025' }, 'start_date'],
    [{ end_date: '2025-11-28T10:00:00' }, 'end_date'],
    [{ start_date: '2025-11-28', end_date: '2025-11-27' }, 'end_date'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ team_id: '' }, 'team_id'],
    [{ api_key: 'sk-a', key_id: 'vk-b' }, 'api_key'],
    [{ page: '2' }, 'page'],
  ])('refuses a bad report query %j with a 400 naming %s', (query, param) => {
    expect(refusal(() => parseSpendReportQuery(query))).toEqual({
      code: CostErrorCode.InvalidSpendQuery,
      param,
      status: 400,
    });
  });

  it.each([
    [{ cursor: 'not a cursor' }, 'cursor'],
    [{ cursor: Buffer.from('["x","1"]').toString('base64url') }, 'cursor'],
    [{ cursor: Buffer.from('["2025-11-28T00:00:00Z","abc"]').toString('base64url') }, 'cursor'],
    [{ group_by: 'key' }, 'group_by'],
    [{ request_id: 'x'.repeat(129) }, 'request_id'],
  ])('refuses a bad log query %j with a 400 naming %s', (query, param) => {
    expect(refusal(() => parseSpendLogQuery(query)).param).toBe(param);
  });
});
