import { McpErrorCode, type McpException } from '../mcp.exception';
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
const setup = () => operationsHarness(tracer);

describe(McpOperationsService.name, () => {
  beforeEach(() => exporter.reset());

  describe('readResource', () => {
    it('reads from the usable server that lists the URI, or whose template matches it', async () => {
      const { service, catalog, upstream, metrics } = setup();
      catalog.resourceList = [
        {
          serverId: 'github',
          uri: 'repo://readme',
          name: 'readme',
          qualifiedName: 'github.readme',
        },
      ];
      catalog.templateList = [
        {
          serverId: 'weather',
          uriTemplate: 'weather://{city}/today',
          name: 'today',
          qualifiedName: 'weather.today',
        },
      ];
      await service.readResource(ADMIN, 'repo://readme', REST);
      await service.readResource(ADMIN, 'weather://oslo/today', REST);
      expect(upstream.calls.map((call) => [call.serverId, call.target])).toEqual([
        ['github', 'repo://readme'],
        ['weather', 'weather://oslo/today'],
      ]);
      expect(mcpCallCounts(metrics)).toEqual({
        'github resources/read ok': 1,
        'weather resources/read ok': 1,
      });
      expect(exporter.getFinishedSpans()[1]?.attributes['mcp.resource.uri']).toBe(
        'weather://oslo/today',
      );

      const weatherOnly = keyRequest({ servers: ['weather'] });
      await expect(service.readResource(weatherOnly, 'repo://readme', REST)).rejects.toMatchObject({
        status: 404,
        code: McpErrorCode.ResourceNotFound,
      });
    });
  });

  describe('getPrompt', () => {
    function withPrompt() {
      const context = setup();
      context.catalog.promptList = [
        {
          serverId: 'github',
          name: 'review',
          qualifiedName: 'github.review',
          arguments: [{ name: 'pr', required: true }],
        },
      ];
      return context;
    }

    it('gets a prompt with string arguments', async () => {
      const { service, upstream } = withPrompt();
      await service.getPrompt(ADMIN, 'github.review', { pr: '42' }, REST);
      expect(upstream.calls).toEqual([
        expect.objectContaining({ serverId: 'github', target: 'review', args: { pr: '42' } }),
      ]);
    });

    it('refuses absent prompts, forbidden servers and bad arguments', async () => {
      const { service, upstream, metrics } = withPrompt();
      await expect(service.getPrompt(ADMIN, 'github.nope', {}, REST)).rejects.toMatchObject({
        status: 404,
        code: McpErrorCode.PromptNotFound,
      });
      const weatherOnly = keyRequest({ servers: ['weather'] });
      await expect(
        service.getPrompt(weatherOnly, 'github.review', { pr: '1' }, REST),
      ).rejects.toMatchObject({ status: 403, code: McpErrorCode.AccessDenied });
      const bad = await service
        .getPrompt(ADMIN, 'github.review', { pr: 42 }, REST)
        .catch((error: unknown) => error as McpException);
      expect(bad).toMatchObject({ status: 400, code: McpErrorCode.InvalidToolArguments });
      expect(bad.message).not.toContain('42');
      await expect(service.getPrompt(ADMIN, 'github.review', {}, REST)).rejects.toMatchObject({
        status: 400,
      });
      expect(upstream.calls).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({
        'github prompts/get denied': 1,
        'github prompts/get invalid': 2,
      });
    });
  });
});
