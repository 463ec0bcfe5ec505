import { InMemoryExpiringStore } from '@routeiq/coordination';
import { resolveA2aConfig } from '../a2a.config';
import { A2aTaskOwnershipService, type A2aAgentGeneration } from './a2a-task-ownership.service';

const TTL_SECONDS = 120;

/** An in-memory store on a clock the spec moves, noting the ids it was asked to write. */
class RecordingStore extends InMemoryExpiringStore {
  nowMs = 1_000_000;
  readonly written: string[] = [];
  constructor() {
    super(1000, () => this.nowMs);
  }
  override claim(namespace: string, id: string, value: string, ttl: number): Promise<boolean> {
    this.written.push(`${namespace}/${id}`);
    return super.claim(namespace, id, value, ttl);
  }
}

const agent = (createdAtMs = 5000): A2aAgentGeneration => ({
  agentId: 'echo',
  createdAt: new Date(createdAtMs),
});

describe(A2aTaskOwnershipService.name, () => {
  let store: RecordingStore;
  let ownership: A2aTaskOwnershipService;

  beforeEach(() => {
    store = new RecordingStore();
    const config = resolveA2aConfig({ A2A_TASK_TTL_SECONDS: String(TTL_SECONDS) });
    ownership = new A2aTaskOwnershipService(store, config);
  });

  it('gives a task to the first key that sees it; another key cannot take it over', async () => {
    await ownership.claim(agent(), { tasks: ['t-1'], contexts: [] }, 'key-a');
    await ownership.claim(agent(), { tasks: ['t-1'], contexts: [] }, 'key-b');

    await expect(ownership.owns(agent(), 't-1', 'key-a')).resolves.toBe(true);
    await expect(ownership.owns(agent(), 't-1', 'key-b')).resolves.toBe(false);
    await expect(ownership.owns(agent(), 'never-seen', 'key-a')).resolves.toBe(false);
  });

  it('renews the owner’s record each time a result names the task again', async () => {
    await ownership.claim(agent(), { tasks: ['t-1'], contexts: [] }, 'key-a');
    store.nowMs += (TTL_SECONDS - 10) * 1000;
    await ownership.claim(agent(), { tasks: ['t-1'], contexts: [] }, 'key-a');
    store.nowMs += (TTL_SECONDS - 10) * 1000;

    await expect(ownership.owns(agent(), 't-1', 'key-a')).resolves.toBe(true);
    store.nowMs += TTL_SECONDS * 1000;
    await expect(ownership.owns(agent(), 't-1', 'key-a')).resolves.toBe(false);
  });

  it('keeps records per registration: a re-registered agent of the same id starts with none', async () => {
    const first = agent(5000);
    const second = agent(9000);
    await ownership.claim(first, { tasks: ['t-1'], contexts: ['c-1'] }, 'key-a');

    await expect(ownership.owns(second, 't-1', 'key-a')).resolves.toBe(false);
    await expect(ownership.joinContext(second, 'c-1', 'key-b')).resolves.toBe(true);
    await expect(ownership.owns(first, 't-1', 'key-a')).resolves.toBe(true);
    expect(store.written).toContain('a2a-task/echo:5000:t-1');
  });

  it('lets a key join its own context or a new one (which becomes its), never another key’s', async () => {
    await ownership.claim(agent(), { tasks: [], contexts: ['c-result'] }, 'key-a');

    await expect(ownership.joinContext(agent(), 'c-result', 'key-a')).resolves.toBe(true);
    await expect(ownership.joinContext(agent(), 'c-result', 'key-b')).resolves.toBe(false);
    await expect(ownership.joinContext(agent(), 'c-new', 'key-b')).resolves.toBe(true);
    await expect(ownership.joinContext(agent(), 'c-new', 'key-a')).resolves.toBe(false);
  });

  it('gives a new context to exactly one of two keys joining it at once', async () => {
    const joined = await Promise.all(
      ['key-a', 'key-b', 'key-a', 'key-b'].map((key) => ownership.joinContext(agent(), 'c', key)),
    );

    expect(joined.filter(Boolean)).toHaveLength(2);
    expect(joined[0]).not.toBe(joined[1]);
  });

  it('keeps tasks and contexts apart: a task id does not own the context of the same name', async () => {
    await ownership.claim(agent(), { tasks: ['x'], contexts: [] }, 'key-a');

    await expect(ownership.joinContext(agent(), 'x', 'key-b')).resolves.toBe(true);
    await expect(ownership.owns(agent(), 'x', 'key-a')).resolves.toBe(true);
  });

  it('stores a huge client-chosen id under a bounded key', async () => {
    const huge = 'c'.repeat(100_000);

    await expect(ownership.joinContext(agent(), huge, 'key-a')).resolves.toBe(true);
    await expect(ownership.joinContext(agent(), huge, 'key-b')).resolves.toBe(false);
    expect(Math.max(...store.written.map((id) => id.length))).toBeLessThan(120);
  });

  it('tells which tasks of a ListTasks page are the caller’s, in this registration', async () => {
    await ownership.claim(agent(), { tasks: ['mine'], contexts: [] }, 'key-a');
    await ownership.claim(agent(), { tasks: ['theirs'], contexts: [] }, 'key-b');
    const tasks = [{ id: 'mine' }, { id: 'theirs' }, { id: 'unknown' }, 'mine', { id: 7 }];

    await expect(ownership.ownedAmong(agent(), tasks, 'key-a')).resolves.toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    await expect(ownership.ownedAmong(agent(1), tasks, 'key-a')).resolves.toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
