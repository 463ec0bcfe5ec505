import type { GatewayRequest } from '@routeiq/common';
import { FakeMcpOperations } from './__fixtures__/fake-mcp-operations';
import { McpMethodsService } from './mcp-methods.service';
import { testListPager } from './__fixtures__/list-pager.fixture';

const req = { id: 'req-1', principal: { kind: 'virtual', keyId: 'key-a' } } as GatewayRequest;

describe(McpMethodsService.name, () => {
  describe('completion/complete', () => {
    it('hands ref, argument and context to the operations, without the client _meta', async () => {
      const operations = new FakeMcpOperations();
      const methods = new McpMethodsService(operations, testListPager());
      const ref = { type: 'ref/resource', uri: 'file:///{path}' };
      const argument = { name: 'path', value: 'rea' };
      const context = { arguments: { root: '/' } };
      const params = { ref, argument, context, _meta: { progressToken: 1 } };
      await expect(
        methods.call('completion/complete', params, { req, sessionId: 's-1' }),
      ).resolves.toEqual({ completion: { values: ['rea-done'], hasMore: false } });
      expect(operations.calls).toEqual([
        {
          operation: 'complete',
          keyId: 'key-a',
          target: 'file:///{path}',
          args: { ref, argument, context },
          options: { channel: 'mcp', sessionId: 's-1' },
        },
      ]);
    });

    it('refuses params that are not a completion request with -32602', async () => {
      const operations = new FakeMcpOperations();
      const methods = new McpMethodsService(operations, testListPager());
      const params = { ref: { type: 'ref/tool', name: 'x' }, argument: { name: 'a', value: '' } };
      // Bad params throw before any promise, as for every method.
      expect(() => methods.call('completion/complete', params, { req })).toThrow(
        expect.objectContaining({
          code: -32602,
        }),
      );
      expect(operations.calls).toEqual([]);
    });
  });
});
