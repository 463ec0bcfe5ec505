import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { ModelRegistryService, RoutingException, type ModelGroup } from '@routeiq/routing';
import { AdmissionService } from '@routeiq/security';

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

/** OpenAI's model listing over the gateway's model groups the caller's key may use. */
@Injectable()
export class ModelsService {
  constructor(
    private readonly registry: ModelRegistryService,
    private readonly admission: AdmissionService,
  ) {}

  list(req: GatewayRequest): ModelList {
    const groups = this.registry.groups().filter((g) => this.admission.allowsModel(req, g.name));
    return { object: 'list', data: groups.map(toModelObject) };
  }

  get(id: string, req: GatewayRequest): ModelObject {
    const group = this.registry.find(id);
    if (!group || !this.admission.allowsModel(req, group.name)) {
      throw RoutingException.modelNotFound(id);
    }
    return { ...toModelObject(group), id };
  }
}
