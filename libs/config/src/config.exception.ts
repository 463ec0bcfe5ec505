import { GatewayException } from '@routeiq/common';
import type { ConfigProblem } from './gateway-config.types';

export enum ConfigErrorCode {
  InvalidConfig = 'invalid_config',
}

/** Errors the config module renders over HTTP (e.g. a rejected reload). */
export class ConfigException extends GatewayException {
  /** A config (re)load was rejected; the message lists every problem. */
  static invalid(problems: readonly ConfigProblem[]): ConfigException {
    const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    return new ConfigException({
      status: 400,
      code: ConfigErrorCode.InvalidConfig,
      type: 'invalid_request_error',
      message: `Invalid configuration: ${list}`,
    });
  }
}
