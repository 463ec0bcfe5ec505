import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { AdminKeyService } from './admin-key.service';
import { AuthGuard } from './auth.guard';
import { MasterKeyService } from './master-key.service';
import { securityConfig, securityConfigProvider } from './security.config';

@Module({
  imports: [ConfigModule.forFeature(securityConfig)],
  providers: [
    securityConfigProvider,
    MasterKeyService,
    AdminKeyService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [MasterKeyService],
})
export class SecurityModule {}
