import { Controller, Get, Res } from '@nestjs/common';
import { MetricsAccess, type GatewayResponse } from '@routeiq/common';
import { GatewayMetrics } from './gateway-metrics';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  /** Prometheus scrape endpoint (text exposition format 0.0.4). */
  @Get('metrics')
  @MetricsAccess()
  scrape(@Res() res: GatewayResponse): void {
    const body = this.metrics.prometheusText();
    res.writeHead(200, {
      'content-type': PROMETHEUS_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
  }
}
