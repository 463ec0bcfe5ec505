import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ROUTE_ACCESS_METADATA, RouteAccess } from '@routeiq/common';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text';

describe(MetricsController.name, () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MetricsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(() => app.close());

  it('serves the registry as Prometheus text, uncached', async () => {
    app.get(GatewayMetrics).httpRequest('/v1/chat/completions', 'gpt', 'dep-1', 200, 0.1);

    const res = await fetch(`${base}/metrics`);
    const body = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    expect(body).toContain(
      'routeiq_requests_total{route="/v1/chat/completions",model="gpt",deployment="dep-1",status="200"} 1\n',
    );
    expect(body).toContain('# TYPE process_cpu_seconds_total counter\n');
  });

  it('is guarded as the metrics route (user key unless METRICS_PUBLIC=true)', () => {
    const access = new Reflector().getAllAndOverride<RouteAccess>(ROUTE_ACCESS_METADATA, [
      MetricsController.prototype.scrape,
      MetricsController,
    ]);
    expect(access).toBe(RouteAccess.Metrics);
  });

  it('answers only GET', async () => {
    const res = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});
