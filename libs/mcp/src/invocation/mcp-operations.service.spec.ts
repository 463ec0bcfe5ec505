import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { QuotaException } from '@routeiq/security';
import type { McpConfig } from '../mcp.config';
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
const PARENT_SPAN = tracer.startSpan('POST /llmrouter/mcp/tools/call', {}, undefined);
const PARENT: Context = trace.setSpan(ROOT_CONTEXT, PARENT_SPAN);
const setup = (config: Partial<McpConfig> = {}) => operationsHarness(tracer, config);

describe(McpOperationsService.name, () => {
  beforeEach(() => exporter.reset());

  describe('listings', () => {
    it('shows an admin every tool and a key only what its key and team allow', async () => {
      const { service, catalog } = setup();
      const names = (tools: Array<{ qualifiedName: string }>) => tools.map((t) => t.qualifiedName);
      expect(names(await service.listTools(ADMIN))).toHaveLength(3);
      expect(catalog.asked).toEqual([undefined]);

      const narrowed = keyRequest({ servers: ['weather'], tools: { weather: ['get_*'] } });
      expect(names(await service.listTools(narrowed))).toEqual(['weather.get_alerts']);
      expect(catalog.asked[1]).toEqual(['weather']);

      const byTeam = keyRequest({}, { accessGroups: ['public'] });
      expect(names(await service.listTools(byTeam))).toEqual([
        'weather.forecast',
        'weather.get_alerts',
      ]);
    });

    it('lists only the servers asked for, of those the caller may use, strictly on request', async () => {
      const { service, catalog } = setup();
      const tools = jest.spyOn(catalog, 'tools');
      await service.listTools(ADMIN, { serverIds: ['github'], strict: true });
      expect(tools).toHaveBeenLastCalledWith(['github'], { strict: true });

      const narrowed = keyRequest({ servers: ['weather'] });
      const listed = await service.listTools(narrowed, { serverIds: ['github', 'weather'] });
      expect(tools).toHaveBeenLastCalledWith(['weather'], { strict: undefined });
      expect(new Set(listed.map((tool) => tool.serverId))).toEqual(new Set(['weather']));
      await expect(service.listTools(narrowed, { serverIds: ['github'] })).resolves.toEqual([]);
      expect(tools).toHaveBeenCalledTimes(2);
    });

    it('asks the catalog nothing for a key that may use no server', async () => {
      const { service, catalog } = setup();
      catalog.resourceList = [
        { serverId: 'github', uri: 'repo://a', name: 'a', qualifiedName: 'github.a' },
      ];
      const none = keyRequest({ servers: ['elsewhere'] });
      await expect(service.listTools(none)).resolves.toEqual([]);
      await expect(service.listResources(none)).resolves.toEqual([]);
      expect(catalog.asked).toEqual([]);
    });
  });

  describe('callTool', () => {
    it('answers 501 while invocation is disabled, even for an admin, before any lookup', async () => {
      const { service, catalog, upstream, metrics, rows } = setup({ toolInvocationEnabled: false });
      const lookup = jest.spyOn(catalog, 'findTool');
      await expect(service.callTool(ADMIN, 'weather.forecast', {}, REST)).rejects.toMatchObject({
        status: 501,
        code: McpErrorCode.ToolInvocationDisabled,
      });
      expect(lookup).not.toHaveBeenCalled();
      expect(upstream.calls).toEqual([]);
      expect(rows).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({});
    });

    it('answers 404 for an absent tool and records nothing', async () => {
      const { service, rows, metrics } = setup();
      await expect(service.callTool(ADMIN, 'weather.nope', {}, REST)).rejects.toMatchObject({
        status: 404,
        code: McpErrorCode.ToolNotFound,
      });
      expect(rows).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({});
    });

    it('answers 403 for a tool that exists but is forbidden, audited as denied', async () => {
      const { service, upstream, admission, metrics, rows } = setup();
      const req = keyRequest({ tools: { weather: ['get_*'] } });
      await expect(
        service.callTool(req, 'weather.forecast', { city: 'Oslo' }, REST),
      ).rejects.toMatchObject({ status: 403, code: McpErrorCode.AccessDenied });
      const byTeam = keyRequest({}, { servers: ['github'] });
      await expect(service.callTool(byTeam, 'weather.get_alerts', {}, REST)).rejects.toMatchObject({
        status: 403,
      });

      expect(upstream.calls).toEqual([]);
      expect(admission.estimates).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({ 'weather tools/call denied': 2 });
      expect(rows[0]).toMatchObject({
        action: 'mcp.tool.call',
        outcome: 'denied',
        reason: 'mcp_access_denied',
        resourceType: 'mcp_tool',
        resourceId: 'weather.forecast',
        requestId: 'req-1',
        actorType: 'virtual',
        metadata: { server: 'weather', channel: 'rest' },
      });
    });

    it('refuses schema-invalid arguments with 400 before admission', async () => {
      const { service, upstream, admission, metrics, rows } = setup();
      await expect(
        service.callTool(ADMIN, 'weather.forecast', { city: 42 }, REST),
      ).rejects.toMatchObject({ status: 400, code: McpErrorCode.InvalidToolArguments });
      await expect(service.callTool(ADMIN, 'weather.forecast', [], REST)).rejects.toMatchObject({
        status: 400,
      });
      expect(admission.estimates).toEqual([]);
      expect(upstream.calls).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({ 'weather tools/call invalid': 2 });
      expect(rows.map((row) => [row.outcome, row.reason])).toEqual([
        ['failure', 'invalid_tool_arguments'],
        ['failure', 'invalid_tool_arguments'],
      ]);
    });

    it('passes a quota rejection through without settling or releasing anything', async () => {
      const { service, upstream, admission, metrics, rows } = setup();
      admission.refuse = QuotaException.quotaExceeded({
        metric: 'requests',
        window: 'minute',
        limit: 1,
        subject: 'key',
        retryAfterSeconds: 30,
      });
      await expect(
        service.callTool(keyRequest({}), 'weather.forecast', { city: 'Oslo' }, REST),
      ).rejects.toBe(admission.refuse);
      expect(admission.estimates).toEqual([{ inputTokens: 0, outputTokens: 0, spendUsd: 0 }]);
      expect(admission.settled).toEqual([]);
      expect(admission.released).toBe(0);
      expect(upstream.calls).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({ 'weather tools/call denied': 1 });
      expect(rows[0]).toMatchObject({ outcome: 'denied', reason: 'quota_exceeded' });
    });

    it('calls the upstream under a CLIENT span, settles, audits and counts', async () => {
      const { service, upstream, admission, metrics, rows } = setup();
      const signal = new AbortController().signal;
      const req = keyRequest({}, undefined, PARENT);
      const result = await service.callTool(
        req,
        'weather.forecast',
        { city: 'Oslo' },
        { channel: 'mcp', signal, sessionId: 'sess-1' },
      );

      expect(result).toEqual({ content: [{ type: 'text', text: 'sunny' }] });
      const [call] = upstream.calls;
      expect(call).toMatchObject({
        serverId: 'weather',
        target: 'forecast',
        args: { city: 'Oslo' },
      });
      expect(call?.options?.signal).toBe(signal);
      expect(admission.settled).toEqual([{ inputTokens: 0, outputTokens: 0, spendUsd: 0 }]);
      expect(admission.released).toBe(0);

      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('tools/call forecast');
      expect(span?.kind).toBe(SpanKind.CLIENT);
      expect(span?.parentSpanContext?.spanId).toBe(PARENT_SPAN.spanContext().spanId);
      expect(trace.getSpan(call!.options!.trace!)?.spanContext().spanId).toBe(
        span?.spanContext().spanId,
      );
      expect(span?.attributes).toEqual({
        'mcp.method.name': 'tools/call',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'forecast',
        'mcp.server.id': 'weather',
        'mcp.session.id': 'sess-1',
        'routeiq.mcp.channel': 'mcp',
        'routeiq.request_id': 'req-1',
      });
      expect(mcpCallCounts(metrics)).toEqual({ 'weather tools/call ok': 1 });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        outcome: 'success',
        reason: null,
        metadata: { server: 'weather', channel: 'mcp', is_error: false },
      });
      expect(JSON.stringify(rows)).not.toContain('Oslo');
    });

    it('passes an isError result through as a result, counted as a tool error', async () => {
      const { service, upstream, admission, metrics, rows } = setup();
      const failed = { content: [{ type: 'text', text: 'no such city' }], isError: true };
      upstream.answer = () => Promise.resolve(failed);
      await expect(service.callTool(ADMIN, 'weather.forecast', { city: 'X' }, REST)).resolves.toBe(
        failed,
      );
      expect(admission.settled).toHaveLength(1);
      expect(mcpCallCounts(metrics)).toEqual({ 'weather tools/call error': 1 });
      expect(rows[0]).toMatchObject({ outcome: 'success', metadata: { is_error: true } });
      const [span] = exporter.getFinishedSpans();
      expect(span?.attributes['error.type']).toBe('tool_error');
    });

    it('turns an upstream failure into a 502, releasing the reservation once', async () => {
      const { service, upstream, admission, metrics, rows } = setup();
      upstream.answer = () =>
        Promise.reject(McpException.upstreamError('weather', 'connection reset'));
      await expect(
        service.callTool(ADMIN, 'weather.forecast', { city: 'Oslo' }, REST),
      ).rejects.toMatchObject({ status: 502, code: McpErrorCode.UpstreamError });
      upstream.answer = () => Promise.reject(new Error('socket hang up at 10.0.0.7'));
      const unexpected = await service
        .callTool(ADMIN, 'weather.forecast', { city: 'Oslo' }, REST)
        .catch((error: unknown) => error as McpException);
      expect(unexpected).toMatchObject({ status: 502, code: McpErrorCode.UpstreamError });
      expect((unexpected as Error).message).not.toContain('10.0.0.7');

      expect(admission.released).toBe(2);
      expect(admission.settled).toEqual([]);
      expect(mcpCallCounts(metrics)).toEqual({ 'weather tools/call error': 2 });
      expect(rows.map((row) => [row.outcome, row.reason])).toEqual([
        ['failure', 'mcp_upstream_error'],
        ['failure', 'mcp_upstream_error'],
      ]);
      const spans = exporter.getFinishedSpans();
      expect(spans.map((span) => span.status.code)).toEqual([
        SpanStatusCode.ERROR,
        SpanStatusCode.ERROR,
      ]);
      expect(spans[0]?.attributes['error.type']).toBe('mcp_upstream_error');
    });
  });
});
