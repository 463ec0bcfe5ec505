import type { GatewayRequest } from '@routeiq/common';
import { testListPager } from '../__fixtures__/list-pager.fixture';
import { compareKeys, McpListPager, pageAfter } from './mcp-list.pager';

interface Item {
  readonly serverId: string;
  readonly name: string;
}

const keyOf = (item: Item) => [item.serverId, item.name];
const item = (serverId: string, name: string): Item => ({ serverId, name });
const names = (items: readonly Item[]) => items.map((i) => `${i.serverId}.${i.name}`);
const request = (cursor?: string, keyId = 'key-a') => ({
  method: 'tools/list',
  cursor,
  req: { id: 'r', principal: { kind: 'virtual', keyId } } as GatewayRequest,
});

describe('pageAfter', () => {
  const items = [item('beta', 'b'), item('alpha', 'z'), item('alpha', 'a'), item('al', 'q')];

  it('orders by server id, then name, by code units', () => {
    expect(names(pageAfter(items, keyOf, undefined, 10).items)).toEqual([
      'al.q',
      'alpha.a',
      'alpha.z',
      'beta.b',
    ]);
    expect(compareKeys(['a', 'B'], ['a', 'a'])).toBeLessThan(0);
    expect(compareKeys(['a'], ['a', 'b'])).toBeLessThan(0);
    expect(compareKeys(['a', 'b'], ['a', 'b'])).toBe(0);
  });

  it('gives the last key only when more follow', () => {
    expect(pageAfter(items, keyOf, undefined, 3)).toMatchObject({ next: ['alpha', 'z'] });
    expect(pageAfter(items, keyOf, undefined, 4).next).toBeUndefined();
    expect(pageAfter(items, keyOf, ['alpha', 'a'], 2).next).toBeUndefined();
    expect(pageAfter([], keyOf, undefined, 2)).toEqual({ items: [] });
  });

  it('resumes after the key, not an offset', () => {
    const page = pageAfter(items, keyOf, ['alpha', 'a'], 1);
    expect(names(page.items)).toEqual(['alpha.z']);
    expect(names(pageAfter(items, keyOf, ['zeta', 'x'], 5).items)).toEqual([]);
  });

  it('resumes after a key that is gone without repeating or skipping the others', () => {
    const changed = [item('alpha', 'new'), item('beta', 'b'), item('alpha', 'a')];
    // Was after alpha.m (removed since): alpha.new follows it, alpha.a came before it.
    expect(names(pageAfter(changed, keyOf, ['alpha', 'm'], 5).items)).toEqual([
      'alpha.new',
      'beta.b',
    ]);
  });
});

describe(McpListPager.name, () => {
  const items = ['a', 'b', 'c', 'd', 'e'].map((n) => item('s', n));

  async function all(pager: McpListPager, listing: () => readonly Item[]): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await pager.page(request(cursor), async () => listing(), keyOf);
      pages.push(names(page.items));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 20);
    return pages;
  }

  it('hands out every item once, page by page, and no cursor after the last page', async () => {
    await expect(all(testListPager(2), () => items)).resolves.toEqual([
      ['s.a', 's.b'],
      ['s.c', 's.d'],
      ['s.e'],
    ]);
    await expect(all(testListPager(5), () => items)).resolves.toEqual([names(items)]);
  });

  it('ends when the listing changes between pages', async () => {
    let calls = 0;
    const shifting = () => (++calls === 1 ? items : [item('s', 'aa'), ...items.slice(2)]);
    await expect(all(testListPager(2), shifting)).resolves.toEqual([
      ['s.a', 's.b'],
      ['s.c', 's.d'],
      ['s.e'],
    ]);
  });

  it('refuses another key’s cursor before listing', async () => {
    const pager = testListPager(2);
    const first = await pager.page(request(), async () => items, keyOf);
    const load = jest.fn(async () => items);
    await expect(pager.page(request(first.nextCursor, 'key-b'), load, keyOf)).rejects.toMatchObject(
      { code: -32602 },
    );
    expect(load).not.toHaveBeenCalled();
  });
});
