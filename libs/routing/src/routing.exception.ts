import { GatewayException } from '@routeiq/common';

export enum RoutingErrorCode {
  ModelNotFound = 'model_not_found',
  NoCapableDeployment = 'no_capable_deployment',
}

export class RoutingException extends GatewayException {
  static modelNotFound(model: string): RoutingException {
    return new RoutingException({
      status: 404,
      code: RoutingErrorCode.ModelNotFound,
      param: 'model',
      message: `The model "${model}" does not exist or you do not have access to it`,
    });
  }

  static noCapableDeployment(model: string, capability: string): RoutingException {
    return new RoutingException({
      status: 400,
      code: RoutingErrorCode.NoCapableDeployment,
      param: 'model',
      message: `No deployment of model "${model}" supports ${capability}`,
    });
  }
}
