import { Controller, Get, Param, Req } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { ModelsService, type ModelList, type ModelObject } from './models.service';

@Controller()
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get(['v1/models', 'models'])
  list(@Req() req: GatewayRequest): ModelList {
    return this.models.list(req);
  }

  // Model names may contain slashes (`openai/gpt-4o`): the wildcard takes every segment.
  @Get(['v1/models/*id', 'models/*id'])
  get(@Param('id') id: string | string[], @Req() req: GatewayRequest): ModelObject {
    return this.models.get(Array.isArray(id) ? id.join('/') : id, req);
  }
}
