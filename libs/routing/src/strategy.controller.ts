import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  Audited,
  JsonBody,
  noteAuditResource,
  RequirePermission,
  UserOrAdmin,
  type GatewayRequest,
} from '@routeiq/common';
import { OptionalJsonBody } from './registry/optional-json-body';
import {
  parsePromoteBody,
  parseStageBody,
  parseWeightsBody,
} from './registry/strategy-control.dto';
import { StrategyRegistryService } from './registry/strategy-registry.service';
import type { StrategyStatus } from './registry/strategy-registry.types';

/** Held by admin keys; a user key needs it granted to change the strategy registry. */
export const STRATEGY_WRITE_PERMISSION = 'router.strategy.write';

/** The strategy registry's control plane. Changes reach every replica (see the service). */
@Controller('strategy')
export class StrategyController {
  constructor(private readonly registry: StrategyRegistryService) {}

  /** A user or admin key, like `GET /router/info`: states, weights, shares and failure counts. */
  @UserOrAdmin()
  @Get('status')
  status(): StrategyStatus {
    return this.registry.status();
  }

  /** `{ "weights": { "<strategy>": <weight>, … } }`: replaces every weight. */
  @RequirePermission(STRATEGY_WRITE_PERMISSION)
  @Audited('strategy.weights', 'strategy')
  @Post('weights')
  @HttpCode(200)
  weights(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<StrategyStatus> {
    return this.registry.setWeights(parseWeightsBody(body).weights).then(noted(req, 'weights'));
  }

  /** `{ "strategy": "<name>", "weight"?: <canary weight> }`. */
  @RequirePermission(STRATEGY_WRITE_PERMISSION)
  @Audited('strategy.stage', 'strategy')
  @Post('stage')
  @HttpCode(200)
  stage(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<StrategyStatus> {
    const { strategy, weight } = parseStageBody(body);
    return this.registry.stage(strategy, weight).then(noted(req, strategy));
  }

  /** `{ "strategy"?: "<name>", "weights"?: {…} }`, or no body: the only staged strategy. */
  @RequirePermission(STRATEGY_WRITE_PERMISSION)
  @Audited('strategy.promote', 'strategy')
  @Post('promote')
  @HttpCode(200)
  promote(@OptionalJsonBody() body: unknown, @Req() req: GatewayRequest): Promise<StrategyStatus> {
    const { strategy, weights } = parsePromoteBody(body);
    return this.registry.promote(strategy, weights).then(noted(req));
  }

  /** Restores the active strategy before the last promotion; 409 when there is none. */
  @RequirePermission(STRATEGY_WRITE_PERMISSION)
  @Audited('strategy.rollback', 'strategy')
  @Post('rollback')
  @HttpCode(200)
  rollback(@Req() req: GatewayRequest): Promise<StrategyStatus> {
    return this.registry.rollback().then(noted(req));
  }
}

/** Notes the resource (default: the now active strategy) and the resulting split for the audit. */
function noted(req: GatewayRequest, resourceId?: string) {
  return (status: StrategyStatus): StrategyStatus => {
    const weights = Object.fromEntries(
      status.strategies.filter((s) => s.weight > 0).map((s) => [s.name, s.weight]),
    );
    noteAuditResource(req, resourceId ?? status.active, { active: status.active, weights });
    return status;
  };
}
