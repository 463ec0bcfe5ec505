import { GatewayException } from '@routeiq/common';

/** What an external plugin throws to refuse a request: it cannot import GatewayException. */
export interface PluginRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly param?: string | null;
}

export enum PluginsErrorCode {
  /** A plugin hook failed and its failure mode is `abort`. */
  PluginError = 'plugin_error',
}

export class PluginsException extends GatewayException {
  static failed(plugin: string, hook: string): PluginsException {
    return new PluginsException({
      status: 500,
      code: PluginsErrorCode.PluginError,
      type: 'server_error',
      message: `Plugin "${plugin}" failed in ${hook}`,
    });
  }
}

/**
 * A GatewayException as is; an error shaped like one (`status` 400-599, `code`, `message`: how a
 * plugin loaded from LLMROUTER_PLUGINS refuses) as a GatewayException; anything else undefined.
 */
export function asRefusal(error: unknown): GatewayException | undefined {
  if (error instanceof GatewayException) return error;
  const candidate = error as Partial<PluginRefusal> | null | undefined;
  const status = candidate?.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    return undefined;
  }
  if (typeof candidate?.code !== 'string' || typeof candidate.message !== 'string')
    return undefined;
  return new PluginsException({
    status,
    code: candidate.code,
    message: candidate.message,
    param: typeof candidate.param === 'string' ? candidate.param : null,
  });
}

/** Start-up refused: a plugin could not be loaded, was not allowed, or did not start. */
export class PluginBootError extends Error {
  constructor(problems: readonly string[]) {
    super(['Plugins could not be loaded:', ...problems.map((p) => `  - ${p}`)].join('\n'));
    this.name = 'PluginBootError';
  }
}
