import type { Logger } from '@nestjs/common';
import { scrubSecrets } from '@routeiq/common';

/** Logs a dependency going down once, and its recovery once, however many calls fail between. */
export class OutageLog {
  private readonly down = new Set<string>();

  constructor(private readonly logger: Logger) {}

  failed(dependency: string, error: unknown): void {
    if (this.down.has(dependency)) return;
    this.down.add(dependency);
    const reason = scrubSecrets(error instanceof Error ? error.message : String(error));
    this.logger.warn(
      `${dependency} unavailable; deployment health stays local until it recovers: ${reason}`,
    );
  }

  recovered(dependency: string): void {
    if (this.down.delete(dependency)) this.logger.log(`${dependency} available again`);
  }
}
