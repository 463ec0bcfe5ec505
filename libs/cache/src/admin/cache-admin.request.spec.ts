import { tokenOf } from '../cache-key';
import { parseEntriesQuery, parseFlushBody } from './cache-admin.request';

describe('cache admin requests', () => {
  it('turns a flush body into tier tokens', () => {
    expect(parseFlushBody(undefined)).toEqual({ tokens: {} });
    expect(parseFlushBody({})).toEqual({ tokens: {} });
    expect(parseFlushBody({ team_id: 't1', model: 'gpt' })).toEqual({
      teamId: 't1',
      model: 'gpt',
      tokens: { scopeToken: tokenOf('team:t1'), modelToken: tokenOf('gpt') },
    });
    expect(parseFlushBody({ key_id: 'k1' }).tokens).toEqual({ scopeToken: tokenOf('key:k1') });
  });

  it('refuses malformed flush bodies with 400 naming the field', () => {
    const cases: Array<[unknown, string]> = [
      [[], 'body'],
      ['all', 'body'],
      [{ team: 't1' }, 'team'],
      [{ team_id: '' }, 'team_id'],
      [{ model: 5 }, 'model'],
      [{ team_id: 't', key_id: 'k' }, 'key_id'],
    ];
    for (const [body, param] of cases) {
      expect(() => parseFlushBody(body)).toThrow(expect.objectContaining({ status: 400, param }));
    }
  });

  it('reads the entries query and refuses bad values', () => {
    expect(parseEntriesQuery({})).toEqual({
      filter: { tokens: {} },
      limit: 50,
      cursor: undefined,
      includeContent: false,
    });
    expect(parseEntriesQuery({ limit: '500', include_content: 'true', cursor: 'x' })).toMatchObject(
      {
        limit: 500,
        includeContent: true,
        cursor: 'x',
      },
    );
    for (const [query, param] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ limit: '1.5' }, 'limit'],
      [{ include_content: 'yes' }, 'include_content'],
      [{ content: 'true' }, 'content'],
      [{ limit: ['1', '2'] }, 'limit'],
    ] as const) {
      expect(() => parseEntriesQuery(query)).toThrow(
        expect.objectContaining({ status: 400, param }),
      );
    }
  });
});
