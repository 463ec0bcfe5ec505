import { GatewayException } from '@routeiq/common';

export enum RoutingErrorCode {
  ModelNotFound = 'model_not_found',
  NoCapableDeployment = 'no_capable_deployment',
  StrategyNotFound = 'strategy_not_found',
  InvalidStrategyWeights = 'invalid_strategy_weights',
  StrategyConflict = 'strategy_conflict',
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

  static strategyNotFound(name: string): RoutingException {
    return new RoutingException({
      status: 404,
      code: RoutingErrorCode.StrategyNotFound,
      param: 'strategy',
      message: `No routing strategy named ${JSON.stringify(name.slice(0, 64))} is registered`,
    });
  }

  static invalidStrategyWeights(message: string, param = 'weights'): RoutingException {
    return new RoutingException({
      status: 400,
      code: RoutingErrorCode.InvalidStrategyWeights,
      param,
      message: `Invalid strategy weights: ${message}`,
    });
  }

  /** The registry is not in a state that allows the change (nothing staged, nothing to roll back…). */
  static strategyConflict(message: string, param: string | null = 'strategy'): RoutingException {
    return new RoutingException({
      status: 409,
      code: RoutingErrorCode.StrategyConflict,
      param,
      message,
    });
  }
}
