import { Injectable } from '@nestjs/common';
import { ModelRegistryService, RoutingException, type ModelGroup } from '@routeiq/routing';

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: ModelObject[];
}

function toModelObject(group: ModelGroup): ModelObject {
  return { id: group.name, object: 'model', created: group.created, owned_by: 'routeiq' };
}

/** OpenAI's model listing over the gateway's model groups. */
@Injectable()
export class ModelsService {
  constructor(private readonly registry: ModelRegistryService) {}

  list(): ModelList {
    return { object: 'list', data: this.registry.groups().map(toModelObject) };
  }

  get(id: string): ModelObject {
    const group = this.registry.find(id);
    if (!group) throw RoutingException.modelNotFound(id);
    return { ...toModelObject(group), id };
  }
}
