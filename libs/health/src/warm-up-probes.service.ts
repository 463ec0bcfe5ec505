import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RouterArtifactService } from '@routeiq/routing';
import { WarmUpRegistry } from '@routeiq/coordination';

/**
 * Warm-up checks for components that load in the background after start-up. Migrations and the
 * shared strategy registry need none: they finish before the server listens.
 */
@Injectable()
export class WarmUpProbesService implements OnModuleInit {
  constructor(
    private readonly registry: WarmUpRegistry,
    private readonly artifacts: RouterArtifactService,
  ) {}

  onModuleInit(): void {
    // A failed first load counts as done: the router keeps its fallback and reports the error.
    this.registry.track('router-artifacts', () =>
      this.artifacts
        .statuses()
        .every((status) => status.loaded_at !== undefined || status.last_error_at !== undefined),
    );
  }
}
