import { Logger } from '@nestjs/common';
import type { McpCompletionRequest } from '../catalog/mcp-catalog.types';
import { McpErrorCode, McpException } from '../mcp.exception';
import {
  ADMIN,
  keyRequest,
  mcpCallCounts,
  operationsHarness,
  recordingTracer,
  REST,
} from './__fixtures__/mcp-operations.fixtures';
import { McpOperationsService } from './mcp-operations.service';

const { tracer, exporter } = recordingTracer();
const EMPTY = { completion: { values: [], hasMore: false } };

function setup() {
  const context = operationsHarness(tracer);
  context.catalog.promptList = [
    { serverId: 'github', name: 'review', qualifiedName: 'github.review' },
  ];
  context.catalog.resourceList = [
    { serverId: 'github', uri: 'repo://readme', name: 'readme', qualifiedName: 'github.readme' },
  ];
  context.catalog.templateList = [
    {
      serverId: 'weather',
      uriTemplate: 'weather://{city}/today',
      name: 'today',
      qualifiedName: 'weather.today',
    },
  ];
  return context;
}

const onPrompt = (name: string): McpCompletionRequest => ({
  ref: { type: 'ref/prompt', name },
  argument: { name: 'pr', value: '4' },
  context: { arguments: { repo: 'routeiq' } },
});
const onResource = (uri: string): McpCompletionRequest => ({
  ref: { type: 'ref/resource', uri },
  argument: { name: 'city', value: 'os' },
});

describe(McpOperationsService.name, () => {
  beforeEach(() => exporter.reset());

  describe('complete', () => {
    it('forwards a prompt completion with the upstream name, argument and context', async () => {
      const { service, upstream, metrics } = setup();
      upstream.answer = () =>
        Promise.resolve({ completion: { values: ['42', '43'], total: 2, hasMore: false } });
      await expect(service.complete(ADMIN, onPrompt('github.review'), REST)).resolves.toEqual({
        completion: { values: ['42', '43'], total: 2, hasMore: false },
      });
      expect(upstream.calls).toEqual([
        expect.objectContaining({
          method: 'completion/complete',
          serverId: 'github',
          args: { ...onPrompt('github.review'), ref: { type: 'ref/prompt', name: 'review' } },
        }),
      ]);
      expect(mcpCallCounts(metrics)).toEqual({ 'github completion/complete ok': 1 });
      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('completion/complete review');
      expect(span?.attributes).toMatchObject({
        'mcp.method.name': 'completion/complete',
        'gen_ai.prompt.name': 'review',
      });
    });

    it('caps values at 100 (hasMore set) and keeps only strings', async () => {
      const { service, upstream } = setup();
      const values = Array.from({ length: 150 }, (_, i) => `v${i}`);
      upstream.answer = () => Promise.resolve({ completion: { values: [...values, 7] } });
      const result = await service.complete(ADMIN, onPrompt('github.review'), REST);
      expect(result).toEqual({ completion: { values: values.slice(0, 100), hasMore: true } });
    });

    it('sends a resource completion to the server of the template or of the URI', async () => {
      const { service, upstream } = setup();
      await service.complete(ADMIN, onResource('weather://{city}/today'), REST);
      await service.complete(ADMIN, onResource('weather://oslo/today'), REST);
      await service.complete(ADMIN, onResource('repo://readme'), REST);
      expect(upstream.calls.map((call) => [call.serverId, call.target])).toEqual([
        ['weather', 'weather://{city}/today'],
        ['weather', 'weather://oslo/today'],
        ['github', 'repo://readme'],
      ]);
      expect(exporter.getFinishedSpans()[0]).toMatchObject({
        name: 'completion/complete',
        attributes: { 'mcp.resource.uri': 'weather://{city}/today' },
      });
    });

    it('refuses unknown refs and servers the key may not use, as prompts/get and reads do', async () => {
      const { service, upstream, metrics } = setup();
      const weatherOnly = keyRequest({ servers: ['weather'] });
      await expect(service.complete(ADMIN, onPrompt('github.nope'), REST)).rejects.toMatchObject({
        status: 404,
        code: McpErrorCode.PromptNotFound,
      });
      await expect(
        service.complete(weatherOnly, onPrompt('github.review'), REST),
      ).rejects.toMatchObject({ status: 403, code: McpErrorCode.AccessDenied });
      await expect(
        service.complete(weatherOnly, onResource('repo://readme'), REST),
      ).rejects.toMatchObject({ status: 404, code: McpErrorCode.ResourceNotFound });
      expect(upstream.calls).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({ 'github completion/complete denied': 1 });
    });

    it('answers empty when the upstream lacks completions, fails or times out', async () => {
      const { service, upstream, metrics } = setup();
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const answers = [
        () => Promise.resolve(null),
        () => Promise.reject(McpException.upstreamTimeout('github', 50)),
        () => Promise.reject(new Error('socket hang up')),
      ];
      for (const answer of answers) {
        upstream.answer = answer;
        await expect(service.complete(ADMIN, onPrompt('github.review'), REST)).resolves.toEqual(
          EMPTY,
        );
      }
      expect(mcpCallCounts(metrics)).toEqual({
        'github completion/complete ok': 1,
        'github completion/complete error': 2,
      });
      expect(warn.mock.calls).toEqual([
        ['completion/complete on MCP server github failed: mcp_upstream_timeout'],
        ['completion/complete on MCP server github failed: mcp_upstream_error'],
      ]);
      warn.mockRestore();
    });
  });
});
