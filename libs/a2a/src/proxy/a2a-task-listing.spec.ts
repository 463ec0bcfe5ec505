import { A2aRpcCode } from '../a2a.exception';
import { A2aRpcError } from './a2a-json-rpc';
import type { A2aListCursor } from './a2a-page-token.codec';
import {
  collectOwnTasks,
  listFilters,
  listRequest,
  taskPageOf,
  type A2aListingSource,
  type A2aOwnListing,
  type A2aTaskPage,
} from './a2a-task-listing';

const FIRST: A2aListCursor = { upstreamToken: '', skip: 0 };

/**
 * An agent's listing cut into fixed pages (token `p<n>` reads page n; the first is `''`); ids
 * starting with `a` are the caller's. Notes every page read as `token/pageSize`.
 */
function pagedAgent(pages: string[][], agentPageSize?: number) {
  const reads: string[] = [];
  const source: A2aListingSource = {
    page: (token, pageSize) => {
      reads.push(`${token}/${pageSize}`);
      const index = token === '' ? 0 : Number(token.slice(1));
      const ids = pages[index] ?? [];
      const page: A2aTaskPage = {
        tasks: ids.map((id) => ({ id })),
        nextPageToken: index + 1 < pages.length ? `p${index + 1}` : '',
        ...(agentPageSize !== undefined && { pageSize: agentPageSize }),
      };
      return Promise.resolve({ page });
    },
    mine: (tasks) =>
      Promise.resolve(tasks.map((task) => (task as { id: string }).id.startsWith('a'))),
  };
  return { source, reads };
}

const ids = (listing: A2aOwnListing): string[] =>
  listing.tasks.map((task) => (task as { id: string }).id);

async function list(
  source: A2aListingSource,
  options: { start?: A2aListCursor; pageSize?: number; maxPages?: number } = {},
): Promise<A2aOwnListing> {
  const start = options.start ?? FIRST;
  const outcome = await collectOwnTasks(
    {
      start,
      fromStart: start === FIRST,
      pageSize: options.pageSize,
      maxPages: options.maxPages ?? 10,
    },
    source,
  );
  if ('failure' in outcome) throw new Error('unexpected failure');
  return outcome.listing;
}

describe(collectOwnTasks.name, () => {
  it('reads further pages while the caller’s page is short, then points at the next agent page', async () => {
    const agent = pagedAgent([['a1', 'b1'], ['b2', 'b3'], ['a2', 'b4'], ['a3']]);

    const first = await list(agent.source, { pageSize: 2 });

    expect(ids(first)).toEqual(['a1', 'a2']);
    expect(agent.reads).toEqual(['/2', 'p1/2', 'p2/2']);
    expect(first.next).toEqual({ upstreamToken: 'p3', skip: 0 });
    expect(first.totalSize).toBeUndefined();

    const second = await list(agent.source, { start: first.next, pageSize: 2 });
    expect(ids(second)).toEqual(['a3']);
    expect(second.next).toBeUndefined();
    // Resumed: the gateway did not see the start of the listing, so it cannot count it.
    expect(second.totalSize).toBeUndefined();
  });

  it('fills a page in the middle of an agent page and resumes right after the last task', async () => {
    // An agent whose pages are larger than the caller's.
    const agent = pagedAgent([
      ['a1', 'b1', 'a2', 'a3', 'b2', 'a4'],
      ['b3', 'a5'],
    ]);

    const first = await list(agent.source, { pageSize: 2 });
    expect(ids(first)).toEqual(['a1', 'a2']);
    expect(first.next).toEqual({
      upstreamToken: '',
      upstreamPageSize: 2,
      skip: 3,
      lastTaskId: 'a2',
    });

    const second = await list(agent.source, { start: first.next, pageSize: 2 });
    expect(ids(second)).toEqual(['a3', 'a4']);
    expect(second.next).toEqual({ upstreamToken: 'p1', skip: 0 });

    const third = await list(agent.source, { start: second.next, pageSize: 2 });
    expect(ids(third)).toEqual(['a5']);
    expect(third.next).toBeUndefined();
    // The same agent page was read again, with the page size it was first read with.
    expect(agent.reads).toEqual(['/2', '/2', 'p1/2']);
  });

  it('reads a page it resumes in with the page size of the token, not the new request’s', async () => {
    const agent = pagedAgent([['a1', 'a2', 'a3', 'a4']]);
    const start = { upstreamToken: '', upstreamPageSize: null, skip: 1, lastTaskId: 'a1' };

    const listing = await list(agent.source, { start, pageSize: 3 });

    expect(ids(listing)).toEqual(['a2', 'a3', 'a4']);
    expect(agent.reads).toEqual(['/null']);
  });

  it('resumes after the last task returned even when it moved within the page', async () => {
    const agent = pagedAgent([['b0', 'a1', 'b1', 'a2', 'a3']]);
    // Made when `a1` was the page's first task: one task arrived in front of it since.
    const start = { upstreamToken: '', upstreamPageSize: 5, skip: 1, lastTaskId: 'a1' };

    expect(ids(await list(agent.source, { start, pageSize: 5 }))).toEqual(['a2', 'a3']);
    // A task the page no longer holds: `skip` places the resumption.
    const gone = { ...start, skip: 4, lastTaskId: 'a-gone' };
    expect(ids(await list(agent.source, { start: gone, pageSize: 5 }))).toEqual(['a3']);
  });

  it('stops after maxPages agent pages, with a token to go on from the next one', async () => {
    const agent = pagedAgent([['b1'], ['b2'], ['b3'], ['a1'], ['b4']]);

    const first = await list(agent.source, { pageSize: 2, maxPages: 3 });

    expect(first.tasks).toEqual([]);
    expect(agent.reads).toHaveLength(3);
    expect(first.next).toEqual({ upstreamToken: 'p3', skip: 0 });
    const second = await list(agent.source, { start: first.next, pageSize: 2, maxPages: 3 });
    expect(ids(second)).toEqual(['a1']);
    expect(second.next).toBeUndefined();
  });

  it('counts the caller’s tasks only when it read the whole listing from its start', async () => {
    const whole = await list(
      pagedAgent([
        ['a1', 'b1'],
        ['a2', 'a3', 'a4'],
      ]).source,
      {
        pageSize: 2,
      },
    );
    expect(ids(whole)).toEqual(['a1', 'a2']);
    // Full page, but the listing ended within the page read: every task was seen.
    expect(whole.totalSize).toBe(4);
    expect(whole.next).toMatchObject({ upstreamToken: 'p1', skip: 1, lastTaskId: 'a2' });

    const none = await list(pagedAgent([['b1'], ['b2']]).source, { pageSize: 2 });
    expect(none).toEqual({ tasks: [], pageSize: 2, totalSize: 0 });
  });

  it('takes the agent’s page size when the caller gives none, else the spec’s 50', async () => {
    const agent = pagedAgent([['a1', 'a2', 'a3', 'b1']], 2);
    const listing = await list(agent.source);
    expect(listing.pageSize).toBe(2);
    expect(ids(listing)).toEqual(['a1', 'a2']);
    expect(agent.reads).toEqual(['/null']);

    expect((await list(pagedAgent([['a1']]).source)).pageSize).toBe(50);
  });

  it('stops at an agent’s error and hands it on', async () => {
    const failure = { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad' } };
    const agent = pagedAgent([['b1'], ['a1']]);
    const source: A2aListingSource = {
      ...agent.source,
      page: (token, size) =>
        token === 'p1' ? Promise.resolve({ failure }) : agent.source.page(token, size),
    };

    await expect(
      collectOwnTasks({ start: FIRST, fromStart: true, pageSize: 2, maxPages: 10 }, source),
    ).resolves.toEqual({ failure });
  });
});

describe(listRequest.name, () => {
  it('keeps the filters, sets the paging aside, and names the listing by its filters', () => {
    const request = listRequest({
      contextId: 'c-1',
      status: 'TASK_STATE_COMPLETED',
      pageSize: 3,
      pageToken: 'rq1.x',
      historyLength: 2,
    });

    expect(request).toEqual({
      params: { contextId: 'c-1', status: 'TASK_STATE_COMPLETED', historyLength: 2 },
      pageSize: 3,
      pageToken: 'rq1.x',
      filters: listFilters({ status: 'TASK_STATE_COMPLETED', contextId: 'c-1' }),
    });
    expect(listRequest(undefined)).toEqual({ params: {}, filters: '[]' });
    expect(listRequest({ pageToken: '', contextId: '', tenant: null }).pageToken).toBeUndefined();
  });

  it('gives one filter text whatever the order, empty values and page options', () => {
    const a = listFilters({ contextId: 'c', status: 'S', tenant: '', includeArtifacts: true });
    const b = listFilters({ status: 'S', contextId: 'c', pageSize: 9, historyLength: 1 });
    expect(a).toBe(b);
    expect(listFilters({ contextId: 'other', status: 'S' })).not.toBe(a);
  });

  it.each([0, -1, 1.5, '5', true])('refuses pageSize %p with -32602', (pageSize) => {
    const refuse = (): unknown => listRequest({ pageSize });
    expect(refuse).toThrow(A2aRpcError);
    expect(refuse).toThrow(expect.objectContaining({ code: A2aRpcCode.InvalidParams }));
  });

  it('refuses params that are not an object and a pageToken that is not a string', () => {
    expect(() => listRequest([1])).toThrow(/must be an object/);
    expect(() => listRequest({ pageToken: 5 })).toThrow(/pageToken must be a string/);
  });
});

describe(taskPageOf.name, () => {
  it('reads proto JSON that leaves empty fields out', () => {
    expect(taskPageOf({})).toEqual({ tasks: [], nextPageToken: '' });
    expect(taskPageOf({ tasks: [{ id: 't' }], nextPageToken: 'n', pageSize: 5 })).toEqual({
      tasks: [{ id: 't' }],
      nextPageToken: 'n',
      pageSize: 5,
    });
    expect(taskPageOf({ tasks: [], pageSize: 0 })).toEqual({ tasks: [], nextPageToken: '' });
  });

  it('refuses a result whose tasks are not a list', () => {
    expect(() => taskPageOf({ tasks: 'nope' })).toThrow(/no list of tasks/);
  });
});
