import { Module } from '@nestjs/common';
import { CostCalculator } from './cost.calculator';
import { SpendController } from './spend/spend.controller';
import { SpendService } from './spend/spend.service';

/**
 * Cost tracking: the calculator the request path prices answers with, and the admin spend API
 * (`GET /spend/logs`, `GET /spend/report`) over the request log. Needs the (global) persistence
 * module.
 */
@Module({
  controllers: [SpendController],
  providers: [CostCalculator, SpendService],
  exports: [CostCalculator],
})
export class CostModule {}
