import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DnsHostResolver, HostResolver } from './host.resolver';
import { OutboundUrlGuard } from './outbound-url.guard';
import { outboundConfig, outboundConfigProvider } from './outbound.config';
import { SafeOutboundClient } from './safe-outbound.client';

/** The SSRF-safe outbound guard and client for URLs the operator did not write. */
@Module({
  imports: [ConfigModule.forFeature(outboundConfig)],
  providers: [
    outboundConfigProvider,
    { provide: HostResolver, useClass: DnsHostResolver },
    OutboundUrlGuard,
    SafeOutboundClient,
  ],
  exports: [OutboundUrlGuard, SafeOutboundClient],
})
export class OutboundModule {}
