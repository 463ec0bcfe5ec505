import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { RoutingModule } from '@routeiq/routing';
import { backpressureConfig, backpressureConfigProvider } from './backpressure.config';
import { DrainService } from './drain.service';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';
import { WarmUpProbesService } from './warm-up-probes.service';

@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    ConfigModule.forFeature(backpressureConfig),
    RoutingModule,
  ],
  controllers: [HealthController],
  providers: [backpressureConfigProvider, DrainService, ReadinessService, WarmUpProbesService],
  exports: [DrainService],
})
export class HealthModule {}
