import type { GatewayRequest } from '@routeiq/common';
import pino from 'pino';
import { accessLine } from './access-line';

/** The line pino writes for the same fields: the access log's format before it was hand-built. */
function pinoLine(fields: Record<string, unknown>): string {
  let out = '';
  const logger = pino(
    { base: { service: 'routeiq-gateway', context: 'Access' } },
    { write: (line: string) => void (out += line) },
  );
  logger.info(fields, 'request completed');
  return out;
}

const withoutTime = (line: string): Record<string, unknown> => {
  const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
  expect(typeof time).toBe('number');
  return rest;
};

function request(overrides: Partial<GatewayRequest>): GatewayRequest {
  return {
    id: 'req-1',
    method: 'POST',
    socket: { remoteAddress: '10.0.0.7' },
    ...overrides,
  } as unknown as GatewayRequest;
}

describe('accessLine', () => {
  it('writes what pino wrote for a served request, ids and token counts included', () => {
    const req = request({
      traceIds: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) },
      principal: { kind: 'virtual', keyId: 'k1', keyAlias: 'team "blue"', teamId: 't-1' },
      served: {
        model: 'gpt',
        deployment: 'dep-1',
        stream: true,
        promptTokens: 12,
        completionTokens: 7,
        overheadMs: 1.23456,
      },
    });
    const line = accessLine(req, '/v1/chat/completions', 200, 52.0004);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(withoutTime(line)).toEqual(
      withoutTime(
        pinoLine({
          request_id: 'req-1',
          trace_id: 'a'.repeat(32),
          span_id: 'b'.repeat(16),
          key_alias: 'team "blue"',
          team_id: 't-1',
          method: 'POST',
          route: '/v1/chat/completions',
          status: 200,
          duration_ms: 52,
          overhead_ms: 1.235,
          model: 'gpt',
          deployment: 'dep-1',
          stream: true,
          prompt_tokens: 12,
          completion_tokens: 7,
          client_ip: '10.0.0.7',
        }),
      ),
    );
  });

  it('leaves out what is unknown and escapes what a client chose', () => {
    const req = request({
      id: 'evil"\n\\id\u0001',
      upstreamMs: 40,
      served: { model: 'gpt' },
      failure: { status: 502, code: 'upstream_error' },
      socket: {} as GatewayRequest['socket'],
    });
    const parsed = withoutTime(accessLine(req, 'unmatched', 502, 50));
    expect(parsed).toEqual({
      level: 30,
      service: 'routeiq-gateway',
      context: 'Access',
      msg: 'request completed',
      request_id: 'evil"\n\\id\u0001',
      method: 'POST',
      route: 'unmatched',
      status: 502,
      duration_ms: 50,
      overhead_ms: 10,
      model: 'gpt',
      code: 'upstream_error',
    });
  });

  it('writes hex ids as they are, and escapes ids that are not hex', () => {
    const ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'not "hex"\n' };
    const line = accessLine(request({ traceIds: ids }), 'unmatched', 200, 1);
    expect(line).toContain(`"trace_id":"${ids.traceId}"`);
    expect(withoutTime(line)).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
    const upper = accessLine(request({ traceIds: { traceId: 'AB', spanId: 'ab' } }), 'x', 200, 1);
    expect(withoutTime(upper)).toMatchObject({ trace_id: 'AB', span_id: 'ab' });
  });

  it('writes ids known to be hex without checking them', () => {
    const ids = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    const known = accessLine(request({ traceIds: { ...ids, hex: true } }), 'x', 200, 1);
    const checked = accessLine(request({ traceIds: ids }), 'x', 200, 1);
    expect(withoutTime(known)).toEqual(withoutTime(checked));
    expect(known).toContain(`"trace_id":"${ids.traceId}","span_id":"${ids.spanId}"`);
  });

  it('writes the client address a trusted proxy reported, else the TCP peer unwrapped', () => {
    const proxied = request({ clientIp: '198.51.100.7' });
    expect(withoutTime(accessLine(proxied, 'unmatched', 200, 1)).client_ip).toBe('198.51.100.7');
    const mapped = request({
      socket: { remoteAddress: '::ffff:10.0.0.9' } as GatewayRequest['socket'],
    });
    expect(withoutTime(accessLine(mapped, 'unmatched', 200, 1)).client_ip).toBe('10.0.0.9');
  });

  it('writes a non-finite timing as null, as JSON has no NaN', () => {
    const parsed = withoutTime(accessLine(request({}), 'unmatched', 200, Number.NaN));
    expect(parsed.duration_ms).toBeNull();
    expect(parsed.overhead_ms).toBeNull();
    expect(parsed).not.toHaveProperty('model');
  });
});
