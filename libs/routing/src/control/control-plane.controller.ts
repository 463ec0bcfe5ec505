import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Audited, RequirePermission } from '@routeiq/common';
import { ConfigStore, type ConfigReloadResult } from '@routeiq/config';
import { RouterService, type RouterInfo } from './router.service';

@Controller()
export class ControlPlaneController {
  constructor(
    private readonly router: RouterService,
    private readonly store: ConfigStore,
  ) {}

  /** User auth: what the router serves (strategy, groups, deployments; no credentials). */
  @Get('router/info')
  info(): RouterInfo {
    return this.router.info();
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
