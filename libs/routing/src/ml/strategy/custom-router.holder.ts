import { reasonOf } from '../artifact/artifact.error';
import type { CustomRouter } from '../artifact/custom-router.types';

/** The custom router's load outcome (`GET /router/info`, `POST /router/reload`). */
export interface CustomRouterStatus {
  readonly path: string;
  readonly module: string | undefined;
  readonly version: string | undefined;
  readonly loaded_at: string | undefined;
  readonly last_error: string | undefined;
}

/**
 * The active custom router module of LLMROUTER_CUSTOM_ROUTERS_PATH. Loads are serialised; a
 * failed load keeps the module that was active, and says why in `status`.
 */
export class CustomRouterHolder {
  current: CustomRouter | undefined;
  private loadedAt: Date | undefined;
  private lastError: string | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly load: () => Promise<CustomRouter>,
    private readonly onFailure: (reason: string) => void,
  ) {}

  /** Loads the module again; never rejects. */
  reload(): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        this.current = await this.load();
        this.loadedAt = new Date();
        this.lastError = undefined;
      } catch (error) {
        this.lastError = reasonOf(error);
        this.onFailure(this.lastError);
      }
    });
    return this.queue;
  }

  status(): CustomRouterStatus {
    return {
      path: this.path,
      module: this.current?.module,
      version: this.current?.version,
      loaded_at: this.loadedAt?.toISOString(),
      last_error: this.lastError,
    };
  }
}
