import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  AdminOnly,
  Audited,
  CommonException,
  JsonBody,
  RequirePermission,
  UserOrAdmin,
  type GatewayRequest,
} from '@routeiq/common';
import { ConfigStore, type ConfigReloadResult } from '@routeiq/config';
import type { RouterDecision } from '../decision/router-decision';
import { RouterDecisionLog } from '../decision/router-decision.log';
import { RouterService } from '../router.service';
import { parseDryRunRequest } from './dry-run.request';
import type { RouterInfo } from './router-info';
import { RouterInfoService } from './router-info.service';
import { RouterReloadService, type RouterReloadResult } from './router-reload.service';

const MAX_DECISIONS = 500;

@Controller()
export class ControlPlaneController {
  constructor(
    private readonly info: RouterInfoService,
    private readonly router: RouterService,
    private readonly decisions: RouterDecisionLog,
    private readonly reloader: RouterReloadService,
    private readonly store: ConfigStore,
  ) {}

  /** A user or admin key: what the router serves (strategies, groups, deployments, health). */
  @UserOrAdmin()
  @Get('router/info')
  routerInfo(): RouterInfo {
    return this.info.info();
  }

  /** Admin dry run: which deployment would serve this request body now, and why. */
  @AdminOnly()
  @Post('router/route')
  @HttpCode(200)
  route(@JsonBody() body: unknown, @Req() req: GatewayRequest): RouterDecision {
    return this.router.explain(parseDryRunRequest(body, req.id));
  }

  /** Admin: the most recent `routeiq.router_decision.v1` records, newest first. */
  @AdminOnly()
  @Get('router/decisions')
  recent(@Query('limit') limit?: string, @Query('model') model?: string): RouterDecision[] {
    return this.decisions.recent(parseLimit(limit), model);
  }

  /** Re-reads the config, the strategy registry and the ML router artifacts on every replica. */
  @RequirePermission('system.config.reload')
  @Audited('router.reload', 'router')
  @Post('router/reload')
  @HttpCode(200)
  reloadRouter(): Promise<RouterReloadResult & { status: 'reloaded' }> {
    return this.reloader.reload().then((result) => ({ status: 'reloaded', ...result }));
  }

  /** Re-reads the config file; an invalid file answers 400 and the old config keeps serving. */
  @RequirePermission('system.config.reload')
  @Audited('config.reload', 'config')
  @Post('config/reload')
  @HttpCode(200)
  reload(): Promise<ConfigReloadResult & { status: 'reloaded' }> {
    return this.store.reload().then((result) => ({ status: 'reloaded', ...result }));
  }
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DECISIONS) {
    throw CommonException.invalidRequest(
      `"limit" must be an integer from 1 to ${MAX_DECISIONS}`,
      'limit',
    );
  }
  return limit;
}
