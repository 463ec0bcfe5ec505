import { Controller, Get, Param } from '@nestjs/common';
import { ModelsService, type ModelList, type ModelObject } from './models.service';

@Controller()
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get(['v1/models', 'models'])
  list(): ModelList {
    return this.models.list();
  }

  // Model names may contain slashes (`openai/gpt-4o`): the wildcard takes every segment.
  @Get(['v1/models/*id', 'models/*id'])
  get(@Param('id') id: string | string[]): ModelObject {
    return this.models.get(Array.isArray(id) ? id.join('/') : id);
  }
}
