import { Injectable } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { CoordinationHealth } from '@routeiq/coordination';
import { DatabaseHealth } from '@routeiq/persistence';
import { DeploymentHealthService } from '@routeiq/routing';
import { DrainService } from './drain.service';
import { WarmUpRegistry } from '@routeiq/coordination';

const CHECK_TIMEOUT_MS = 2000;

/**
 * Readiness: not draining, every component registered with the WarmUpRegistry has loaded, the
 * database answers `SELECT 1`, Redis answers `PING` when configured; each check within 2 s. Failure details are sanitised (no URLs, no credentials). The router's
 * state (`ok`, or `degraded` with the deployments whose breaker is open) is reported alongside.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly drain: DrainService,
    private readonly database: DatabaseHealth,
    private readonly coordination: CoordinationHealth,
    private readonly deployments: DeploymentHealthService,
    private readonly warmUp: WarmUpRegistry,
  ) {}

  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.drainState(),
      () => this.warmUpState(),
      () => this.probe('database', () => this.database.ping(CHECK_TIMEOUT_MS)),
      () => this.redis(),
      () => this.router(),
    ]);
  }

  /**
   * Open breakers make the replica "degraded", never unready: a broken upstream is no reason to
   * take a replica out of the load balancer (every replica shares the same breakers).
   */
  private router(): HealthIndicatorResult {
    const open = this.deployments.openBreakers(Date.now());
    const indicator = this.indicators.check('router');
    return open.length === 0
      ? indicator.up({ state: 'ok' })
      : indicator.up({ state: 'degraded', open_breakers: open });
  }

  private drainState(): HealthIndicatorResult {
    const indicator = this.indicators.check('drain');
    return this.drain.isDraining
      ? indicator.down({ message: 'draining: shutting down' })
      : indicator.up();
  }

  private warmUpState(): HealthIndicatorResult {
    const pending = this.warmUp.pending();
    const indicator = this.indicators.check('warm_up');
    return pending.length === 0
      ? indicator.up()
      : indicator.down({ message: 'still loading', pending });
  }

  private redis(): Promise<HealthIndicatorResult> | HealthIndicatorResult {
    if (!this.coordination.enabled) return this.indicators.check('redis').up({ mode: 'disabled' });
    return this.probe('redis', () => this.coordination.ping(CHECK_TIMEOUT_MS));
  }

  private async probe(key: string, ping: () => Promise<void>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'unavailable' });
    }
  }
}
