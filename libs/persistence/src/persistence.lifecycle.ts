import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

// Nest runs every beforeApplicationShutdown hook (where RequestLogWriter flushes) before any
// onApplicationShutdown hook, so the DataSource is destroyed only after the last flush.
@Injectable()
export class PersistenceLifecycle implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
