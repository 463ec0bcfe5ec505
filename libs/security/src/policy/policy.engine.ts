import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ConfigStore,
  ConfigValidationError,
  type ConfigProblem,
  type PreparedConfigChange,
} from '@routeiq/config';
import type { PolicyParseResult } from './policy-document.parser';
import { loadPolicyFile, loadPolicyFileSync } from './policy-file.loader';
import { PolicyConfig, type PolicyFailMode } from './policy.config';
import { evaluatePolicy } from './policy.evaluator';
import type { CompiledPolicy, PolicyDecision, PolicyInput } from './policy.types';

type PolicyState =
  | { readonly kind: 'disabled' }
  | { readonly kind: 'active'; readonly policy: CompiledPolicy }
  | { readonly kind: 'unavailable' };

const DISABLED: PolicyDecision = Object.freeze({
  allowed: true,
  reason: 'policy engine disabled',
  basis: 'disabled',
});
const UNAVAILABLE_OPEN: PolicyDecision = Object.freeze({
  allowed: true,
  reason: 'policy engine unavailable; POLICY_ENGINE_FAIL_MODE=open allows the request',
  basis: 'unavailable',
});
const UNAVAILABLE_CLOSED: PolicyDecision = Object.freeze({
  allowed: false,
  reason: 'policy engine unavailable; POLICY_ENGINE_FAIL_MODE=closed denies the request',
  basis: 'unavailable',
});
/** Prefix of policy problems in a rejected `POST /config/reload`, to tell them from config.yaml's. */
const RELOAD_PROBLEM_PREFIX = 'policy:';

/**
 * Request policy from the YAML file at POLICY_CONFIG_PATH. Loaded at boot, re-read by `reload()`
 * and by every config reload (as a two-phase participant); an invalid file never replaces the
 * live rules. The compiled policy is swapped with one assignment, so evaluation never sees a mix.
 */
@Injectable()
export class PolicyEngine implements OnModuleInit {
  private readonly logger = new Logger('Policy');
  private state: PolicyState;
  private participating = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: PolicyConfig,
    private readonly store: ConfigStore,
  ) {
    this.state = config.enabled ? { kind: 'unavailable' } : { kind: 'disabled' };
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  get failMode(): PolicyFailMode {
    return this.config.failMode;
  }

  /** Number of loaded rules; undefined when disabled or nothing could be loaded. */
  get ruleCount(): number | undefined {
    return this.state.kind === 'active' ? this.state.policy.rules.length : undefined;
  }

  /**
   * Loads the policy. An unreadable or invalid file fails start-up when the fail mode is closed;
   * when open, the gateway starts without enforcement and says so.
   * @throws ConfigValidationError listing every problem (fail mode closed).
   */
  onModuleInit(): void {
    if (!this.config.enabled) {
      this.logger.log('policy engine disabled (POLICY_ENGINE_ENABLED=false)');
      return;
    }
    const path = this.path();
    const result = loadPolicyFileSync(path);
    if (result.policy) {
      this.activate(result.policy, 'loaded');
    } else if (this.config.failMode === 'closed') {
      throw new ConfigValidationError(result.problems, `${path} (POLICY_CONFIG_PATH)`);
    } else {
      const error = new ConfigValidationError(result.problems, `${path} (POLICY_CONFIG_PATH)`);
      this.logger.error(
        `${error.message}\nPOLICY_ENGINE_FAIL_MODE=open: starting WITHOUT policy enforcement; ` +
          'every request is allowed until the file is fixed and reloaded',
      );
    }
    // register() prepares against the current config at once; the file was just loaded above.
    this.store.register({ name: 'policy', prepare: () => this.prepareConfigChange() });
    this.participating = true;
  }

  /** The decision for one request. Pure and O(rules); never throws for well-formed input. */
  evaluate(input: PolicyInput): PolicyDecision {
    const state = this.state;
    if (state.kind === 'active') return evaluatePolicy(state.policy, input);
    if (state.kind === 'disabled') return DISABLED;
    return this.config.failMode === 'open' ? UNAVAILABLE_OPEN : UNAVAILABLE_CLOSED;
  }

  /**
   * Re-reads and validates the policy file, then swaps it in. Calls are serialised; a no-op when
   * the engine is disabled.
   * @throws ConfigValidationError listing every problem; the previous rules stay live.
   */
  reload(): Promise<void> {
    const result = this.queue.then(() => this.applyReload());
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async applyReload(): Promise<void> {
    if (!this.config.enabled) return;
    const path = this.path();
    const result = await loadPolicyFile(path);
    if (!result.policy) throw new ConfigValidationError(result.problems, path);
    this.activate(result.policy, 'reloaded');
  }

  private prepareConfigChange(): PreparedConfigChange {
    if (!this.participating) return { problems: [], commit: () => undefined };
    const result: PolicyParseResult = loadPolicyFileSync(this.path());
    const policy = result.policy;
    if (!policy) return { problems: result.problems.map(prefixed), commit: () => undefined };
    return { problems: [], commit: () => this.activate(policy, 'reloaded') };
  }

  private activate(policy: CompiledPolicy, verb: string): void {
    this.state = { kind: 'active', policy };
    this.logger.log(
      `policy ${verb}: ${policy.rules.length} rule(s), default_action ${policy.defaultAction}`,
    );
  }

  private path(): string {
    // PolicyConfig validation guarantees a path whenever the engine is enabled.
    return this.config.configPath ?? '';
  }
}

function prefixed(problem: ConfigProblem): ConfigProblem {
  return { path: `${RELOAD_PROBLEM_PREFIX}${problem.path}`, message: problem.message };
}
