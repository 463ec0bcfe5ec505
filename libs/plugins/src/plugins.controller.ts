import { Controller, Get } from '@nestjs/common';
import { AdminOnly } from '@routeiq/common';
import { PluginRegistry } from './plugin-registry.service';
import { pluginsView, type PluginsView } from './plugin.view';

@AdminOnly()
@Controller('admin/plugins')
export class PluginsController {
  constructor(private readonly registry: PluginRegistry) {}

  /** Admin: every loaded plugin in pipeline order, its status and hook counters. */
  @Get()
  list(): PluginsView {
    return pluginsView(this.registry.slots);
  }
}
