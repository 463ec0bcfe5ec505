import { Injectable, Logger } from '@nestjs/common';
import { ConfigValidationError } from './config-validation.error';
import { ConfigException } from './config.exception';
import { readProcessEnvironment } from './environment.config';
import { loadGatewayConfig, type LoadedGatewayConfig } from './gateway-config.loader';
import type { ConfigProblem, GatewayConfig } from './gateway-config.types';
import { ServerConfig } from './server.config';

/** A participant's validated, not yet applied, view of a candidate config. */
export interface PreparedConfigChange {
  readonly problems: readonly ConfigProblem[];
  /** Applies the prepared state. Must not throw: it runs only after every participant agreed. */
  commit(): void;
}

/** A module whose derived state follows the config (routing tables, keys…). */
export interface ConfigParticipant {
  readonly name: string;
  /** Validates `config` and builds derived state without applying it. */
  prepare(config: GatewayConfig): PreparedConfigChange;
}

export interface ConfigReloadResult {
  generation: number;
  models: number;
  warnings: string[];
}

/**
 * Owns the live config snapshot. Changes are two-phase: every participant prepares the candidate,
 * and only when none reports a problem do all commit and `current` swap, so a bad file never
 * leaves the gateway half-reconfigured.
 */
@Injectable()
export class ConfigStore {
  private readonly logger = new Logger('Config');
  private readonly participants: ConfigParticipant[] = [];
  private readonly listeners = new Set<(config: GatewayConfig) => void>();
  private readonly loggedWarnings = new Set<string>();
  private snapshot: GatewayConfig;
  private currentGeneration = 1;
  private lastLoadedAt = new Date();
  private queue: Promise<unknown> = Promise.resolve();

  /** @throws ConfigValidationError when the file is invalid, so boot fails. */
  constructor(private readonly server: ServerConfig) {
    const loaded = this.load();
    this.logWarnings(loaded.warnings);
    this.snapshot = loaded.config;
  }

  get current(): GatewayConfig {
    return this.snapshot;
  }

  /** 1 after the initial load, +1 per successful reload. */
  get generation(): number {
    return this.currentGeneration;
  }

  get loadedAt(): Date {
    return this.lastLoadedAt;
  }

  /**
   * Prepares and commits `participant` against the current config right away.
   * @throws ConfigValidationError when the participant rejects the current config.
   */
  register(participant: ConfigParticipant): void {
    const change = participant.prepare(this.snapshot);
    if (change.problems.length > 0) {
      throw new ConfigValidationError(change.problems, this.snapshot.sourcePath);
    }
    change.commit();
    this.participants.push(participant);
  }

  /** Called after every successful reload commit. Returns an unsubscribe function. */
  onChange(listener: (config: GatewayConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Re-reads the config file with a fresh environment. Calls are serialised.
   * @throws ConfigException (invalid_config) listing every problem; the old config stays live.
   */
  reload(): Promise<ConfigReloadResult> {
    const result = this.queue.then(() => this.applyReload());
    this.queue = result.catch(() => undefined);
    return result;
  }

  private applyReload(): ConfigReloadResult {
    let loaded: LoadedGatewayConfig;
    try {
      loaded = this.load();
    } catch (error) {
      if (error instanceof ConfigValidationError) throw ConfigException.invalid(error.problems);
      throw error;
    }
    const changes = this.participants.map((p) => p.prepare(loaded.config));
    const problems = changes.flatMap((c) => c.problems);
    if (problems.length > 0) throw ConfigException.invalid(problems);

    for (const change of changes) change.commit();
    this.snapshot = loaded.config;
    this.currentGeneration += 1;
    this.lastLoadedAt = new Date();
    this.logWarnings(loaded.warnings);
    this.notify(loaded.config);
    return {
      generation: this.currentGeneration,
      models: loaded.config.modelList.length,
      warnings: loaded.warnings,
    };
  }

  private load(): LoadedGatewayConfig {
    return loadGatewayConfig(this.server.configPath, readProcessEnvironment());
  }

  /** The new config is already live: a failing listener is logged, not allowed to undo that. */
  private notify(config: GatewayConfig): void {
    for (const listener of this.listeners) {
      try {
        listener(config);
      } catch (error) {
        this.logger.error(`config change listener failed: ${String(error)}`);
      }
    }
  }

  /** Warnings name keys only, never values, so they are safe to log. */
  private logWarnings(warnings: readonly string[]): void {
    for (const warning of warnings) {
      if (this.loggedWarnings.has(warning)) continue;
      this.loggedWarnings.add(warning);
      this.logger.warn(warning);
    }
  }
}
