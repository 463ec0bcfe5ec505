import { McpStubServer } from '@routeiq/testing';
import {
  serverRecord,
  upstreamHarness,
  type UpstreamHarness,
} from './__fixtures__/upstream.harness';
import { McpUpstreamService } from './mcp-upstream.service';

const MANY = Array.from({ length: 150 }, (_, i) => `pr-${i}`);

describe(McpUpstreamService.name, () => {
  const completing = new McpStubServer({
    prompts: [{ name: 'review', arguments: [{ name: 'pr' }], text: () => 'Review' }],
    completions: { review: { pr: MANY } },
  });
  const plain = new McpStubServer({
    prompts: [{ name: 'review', arguments: [{ name: 'pr' }], text: () => 'Review' }],
  });
  let harness: UpstreamHarness;

  beforeAll(async () => {
    await Promise.all([completing.start(), plain.start()]);
    harness = upstreamHarness([`${completing.origin}/`, `${plain.origin}/`]);
    harness.directory.put(
      serverRecord('completing', completing.url),
      serverRecord('plain', plain.url),
    );
  });

  afterAll(async () => {
    await harness.close();
    await Promise.all([completing.stop(), plain.stop()]);
  });

  const request = {
    ref: { type: 'ref/prompt', name: 'review' },
    argument: { name: 'pr', value: 'pr-1' },
    context: { arguments: { repo: 'routeiq' } },
  } as const;

  describe('complete', () => {
    it('sends completion/complete and resolves to the result, more than 100 values too', async () => {
      const result = await harness.upstream.complete('completing', request);
      const expected = MANY.filter((value) => value.startsWith('pr-1'));
      expect(result).toEqual({
        completion: { values: expected, total: expected.length, hasMore: false },
      });
      expect(completing.received('completion/complete').map((m) => m.params)).toEqual([request]);

      const all = await harness.upstream.complete('completing', {
        ...request,
        argument: { name: 'pr', value: '' },
      });
      expect(all).toMatchObject({ completion: { values: MANY } });
    });

    it('resolves to null without a request when the server does not declare completions', async () => {
      await expect(harness.upstream.complete('plain', request)).resolves.toBeNull();
      expect(plain.received('completion/complete')).toEqual([]);
    });

    it('throws the upstream error as for other requests', async () => {
      const unknown = { ...request, argument: { name: 'nope', value: '' } };
      await expect(harness.upstream.complete('completing', unknown)).rejects.toMatchObject({
        code: 'mcp_upstream_error',
        status: 502,
      });
    });
  });
});
