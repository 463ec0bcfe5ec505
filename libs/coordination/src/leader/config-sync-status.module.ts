import { Module } from '@nestjs/common';
import { ConfigSyncStatusController } from './config-sync-status.controller';
import { ConfigSyncStatusService } from './config-sync-status.service';

/**
 * `GET /config/sync/status`. Needs the global CoordinationModule (leader election) and the global
 * config module (ConfigStore); the admin guard is the app's global guard.
 */
@Module({
  controllers: [ConfigSyncStatusController],
  providers: [ConfigSyncStatusService],
})
export class ConfigSyncStatusModule {}
