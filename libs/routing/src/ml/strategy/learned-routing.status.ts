import type { RouterArtifactStatus } from '../artifact/router-artifact.service';
import type { CustomRouterStatus } from './custom-router.holder';

/** One model path's outcome of `POST /router/reload` on this replica. */
export interface MlReloadOutcome {
  /** `model_path` (absolute), or the custom routers directory. */
  readonly model_path: string;
  readonly kind: 'artifact' | 'custom';
  /** `failed` keeps the router that was active (its version is the one shown). */
  readonly outcome: 'loaded' | 'failed';
  readonly version: string | null;
  readonly loaded_at: string | null;
  readonly error: string | null;
}

/** One learned strategy carrying traffic, in `GET /router/info`. */
export interface MlStrategyInfo {
  readonly name: string;
  /** The artifact's version (`strategy_version`), `none` when nothing is loaded. */
  readonly version: string;
  /** Null for the baselines, which need no model. */
  readonly model_path: string | null;
  readonly loaded_at: string | null;
  readonly last_error: string | null;
  readonly hot_reload: boolean;
}

export function artifactOutcome(status: RouterArtifactStatus): MlReloadOutcome {
  return {
    model_path: status.path,
    kind: 'artifact',
    outcome: status.last_error === undefined && status.version !== undefined ? 'loaded' : 'failed',
    version: status.version ?? null,
    loaded_at: status.loaded_at ?? null,
    error: status.last_error ?? null,
  };
}

export function customOutcome(status: CustomRouterStatus): MlReloadOutcome {
  return {
    model_path: status.path,
    kind: 'custom',
    outcome: status.last_error === undefined && status.version !== undefined ? 'loaded' : 'failed',
    version: status.version ?? null,
    loaded_at: status.loaded_at ?? null,
    error: status.last_error ?? null,
  };
}
