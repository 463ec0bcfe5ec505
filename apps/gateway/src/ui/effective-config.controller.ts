import { Controller, Get } from '@nestjs/common';
import { AdminOnly } from '@routeiq/common';
import { ConfigStore } from '@routeiq/config';
import { effectiveConfigView, type EffectiveConfigView } from './effective-config.view';

/** The console's Settings page: the live config, read-only, secrets masked. */
@AdminOnly()
@Controller('config')
export class EffectiveConfigController {
  constructor(private readonly store: ConfigStore) {}

  @Get('effective')
  effective(): EffectiveConfigView {
    const { store } = this;
    return effectiveConfigView(store.current, {
      generation: store.generation,
      loadedAt: store.loadedAt,
    });
  }
}
