import { Controller, Get } from '@nestjs/common';
import { AdminOnly } from '@routeiq/common';
import { type ConfigSyncStatus, ConfigSyncStatusService } from './config-sync-status.service';

@Controller('config/sync')
export class ConfigSyncStatusController {
  constructor(private readonly sync: ConfigSyncStatusService) {}

  /** Admin: this replica's HA role, the current leader and its fencing token, the generation. */
  @AdminOnly()
  @Get('status')
  status(): Promise<ConfigSyncStatus> {
    return this.sync.status();
  }
}
