import { A2aRpcError, isRecord } from './a2a-json-rpc';
import type { A2aListCursor, A2aListScope } from './a2a-page-token.codec';

/**
 * The most pages of the agent's listing one `ListTasks` request reads. A key with few tasks among
 * many may get a short (even empty) page with a `nextPageToken`: it goes on from there.
 */
export const A2A_LIST_TASKS_MAX_UPSTREAM_PAGES = 10;

/** A2A 1.0: "If unspecified, at most 50 tasks will be returned" (when the agent does not say). */
const SPEC_DEFAULT_PAGE_SIZE = 50;

/** Params that do not choose which tasks are listed: a token stays good when they change. */
const NOT_FILTERS = new Set(['pageToken', 'pageSize', 'historyLength', 'includeArtifacts']);

/** A `ListTasks` request as the gateway pages it. */
export interface A2aListRequest {
  /** The caller's params without `pageToken` and `pageSize` (the gateway sets both upstream). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The caller's `pageSize`; undefined: the agent's default. */
  readonly pageSize?: number;
  /** The caller's `pageToken`, when it sent one. */
  readonly pageToken?: string;
  /** The filters, canonical: part of what a token is good for. */
  readonly filters: string;
}

/** A checked `ListTasks` request: where it starts, and what its tokens are good for. */
export interface A2aListingPlan {
  readonly request: A2aListRequest;
  readonly start: A2aListCursor;
  readonly scope: A2aListScope;
}

/** One page of the agent's listing. */
export interface A2aTaskPage {
  readonly tasks: readonly unknown[];
  /** `''` on the last page. */
  readonly nextPageToken: string;
  /** The page size the agent says it used, when it says. */
  readonly pageSize?: number;
}

/** An agent's page, or its JSON-RPC error response (which becomes the caller's answer). */
export type A2aPageAnswer =
  { readonly page: A2aTaskPage } | { readonly failure: Record<string, unknown> };

/** Where the pages come from and whose tasks are kept. */
export interface A2aListingSource {
  /** `pageSize` null: send none. */
  page(upstreamToken: string, pageSize: number | null): Promise<A2aPageAnswer>;
  /** For each task, whether it is the caller's. */
  mine(tasks: readonly unknown[]): Promise<boolean[]>;
}

/** The caller's page. */
export interface A2aOwnListing {
  readonly tasks: unknown[];
  /** Where the next page starts; undefined when the listing is over. */
  readonly next?: A2aListCursor;
  /** The caller's task count, only when this request read the agent's whole listing. */
  readonly totalSize?: number;
  readonly pageSize: number;
}

/**
 * The params of a `ListTasks` request, checked.
 * @throws A2aRpcError -32602 for params that are not an object or a `pageSize` that is not a
 * positive integer.
 */
export function listRequest(params: unknown): A2aListRequest {
  const all = params ?? {};
  if (!isRecord(all)) throw A2aRpcError.invalidParams('ListTasks params must be an object');
  const { pageToken, pageSize, ...rest } = all;
  if (
    pageSize !== undefined &&
    pageSize !== null &&
    !(Number.isSafeInteger(pageSize) && (pageSize as number) > 0)
  ) {
    throw A2aRpcError.invalidParams('pageSize must be a positive integer');
  }
  if (pageToken !== undefined && pageToken !== null && typeof pageToken !== 'string') {
    throw A2aRpcError.invalidParams('pageToken must be a string');
  }
  return {
    params: rest,
    ...(typeof pageSize === 'number' && { pageSize }),
    ...(typeof pageToken === 'string' && pageToken !== '' && { pageToken }),
    filters: listFilters(all),
  };
}

/** The params that choose the tasks, empty ones left out, keys sorted: one text per listing. */
export function listFilters(params: Readonly<Record<string, unknown>>): string {
  const kept = Object.keys(params)
    .filter((name) => !NOT_FILTERS.has(name))
    .filter((name) => params[name] !== undefined && params[name] !== null && params[name] !== '')
    .sort()
    .map((name) => [name, params[name]]);
  return JSON.stringify(kept);
}

/** The agent's `ListTasks` result as a page. @throws Error when `tasks` is not a list. */
export function taskPageOf(result: unknown): A2aTaskPage {
  // Proto JSON leaves empty fields out: no `tasks` is no task, no `nextPageToken` the last page.
  const fields = isRecord(result) ? result : {};
  const tasks = fields.tasks ?? [];
  if (!Array.isArray(tasks)) throw new Error('its ListTasks result has no list of tasks');
  const { nextPageToken, pageSize } = fields;
  return {
    tasks,
    nextPageToken: typeof nextPageToken === 'string' ? nextPageToken : '',
    ...(positiveInteger(pageSize) && { pageSize }),
  };
}

/**
 * Reads the agent's listing from `start` until the caller has a full page of its own tasks, the
 * listing ends, or `maxPages` pages were read. A page filled in the middle of an agent's page
 * resumes in that page: `next` names the agent's page again and how many of its tasks to skip.
 * `fromStart`: no token was given, so reaching the end means every task was seen (`totalSize`).
 */
export async function collectOwnTasks(
  request: {
    readonly start: A2aListCursor;
    readonly fromStart: boolean;
    readonly pageSize?: number;
    readonly maxPages: number;
  },
  source: A2aListingSource,
): Promise<{ readonly listing: A2aOwnListing } | { readonly failure: Record<string, unknown> }> {
  const { start, fromStart, maxPages } = request;
  const requested = request.pageSize ?? null;
  const kept: unknown[] = [];
  // The caller's page size, else what the agent says its default is (read off its first page).
  let wanted = request.pageSize;
  let token = start.upstreamToken;
  let size = start.upstreamPageSize === undefined ? requested : start.upstreamPageSize;
  let owned = 0;
  for (let read = 1; ; read += 1) {
    const answer = await source.page(token, size);
    if ('failure' in answer) return answer;
    const { page } = answer;
    wanted ??= page.pageSize ?? SPEC_DEFAULT_PAGE_SIZE;
    const from = read === 1 ? resumeIndex(page.tasks, start) : 0;
    const candidates = page.tasks.slice(from);
    const scan = keepOwn(candidates, await source.mine(candidates), kept, wanted);
    owned += scan.owned;
    const ended = page.nextPageToken === '';
    if (!scan.more && !ended && kept.length < wanted && read < maxPages) {
      token = page.nextPageToken;
      size = requested;
      continue;
    }
    // Full with more of the caller's tasks further in this page: resume right after the last one.
    const next: A2aListCursor | undefined = scan.more
      ? {
          upstreamToken: token,
          upstreamPageSize: size,
          skip: from + scan.lastIndex + 1,
          lastTaskId: taskIdOf(kept.at(-1)),
        }
      : ended
        ? undefined
        : { upstreamToken: page.nextPageToken, skip: 0 };
    // Exact only when this request read the whole listing, from its start to its end.
    const totalSize = fromStart && ended ? owned : undefined;
    return {
      listing: {
        tasks: kept,
        pageSize: wanted,
        ...(next && { next }),
        ...(totalSize !== undefined && { totalSize }),
      },
    };
  }
}

/**
 * Appends the caller's tasks to `kept` up to `wanted`. `lastIndex`: the index of the last one kept
 * (in `candidates`); `more`: some of the caller's tasks did not fit.
 */
function keepOwn(
  candidates: readonly unknown[],
  mine: readonly boolean[],
  kept: unknown[],
  wanted: number,
): { owned: number; lastIndex: number; more: boolean } {
  let owned = 0;
  let lastIndex = -1;
  let more = false;
  candidates.forEach((task, index) => {
    if (!mine[index]) return;
    owned += 1;
    if (kept.length < wanted) {
      kept.push(task);
      lastIndex = index;
    } else {
      more = true;
    }
  });
  return { owned, lastIndex, more };
}

/** Where to go on in a page read again: after the last task handed out, else `skip` tasks in. */
function resumeIndex(tasks: readonly unknown[], cursor: A2aListCursor): number {
  const { lastTaskId } = cursor;
  const at = lastTaskId === undefined ? -1 : tasks.findIndex((t) => taskIdOf(t) === lastTaskId);
  return at >= 0 ? at + 1 : Math.min(cursor.skip, tasks.length);
}

function taskIdOf(task: unknown): string | undefined {
  return isRecord(task) && typeof task.id === 'string' ? task.id : undefined;
}

function positiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
