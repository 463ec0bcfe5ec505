import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { quotaConfig, quotaConfigProvider } from './quota.config';
import { QuotaService } from './quota.service';

/** Quotas; needs `QuotaCounterStore` from the global CoordinationModule. */
@Module({
  imports: [ConfigModule.forFeature(quotaConfig)],
  providers: [quotaConfigProvider, QuotaService],
  exports: [QuotaService],
})
export class QuotaModule {}
