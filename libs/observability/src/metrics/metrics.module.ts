import { Global, Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';

/** One `GatewayMetrics` for the whole app, and `GET /metrics`. */
@Global()
@Module({
  providers: [GatewayMetrics],
  exports: [GatewayMetrics],
  controllers: [MetricsController],
})
export class MetricsModule {}
