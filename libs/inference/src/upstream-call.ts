import type { GatewayRequest, GatewayResponse } from '@routeiq/common';
import type { ProviderCallContext, ResolvedDeployment } from '@routeiq/providers';

export interface UpstreamCall {
  readonly ctx: ProviderCallContext;
  /** True once the client went away before the response was complete. */
  readonly clientGone: () => boolean;
  dispose(): void;
}

/**
 * Ties the upstream call to the client connection: when the client disconnects before the
 * response is complete, the upstream request is aborted too.
 */
export function openUpstreamCall(
  req: GatewayRequest,
  res: GatewayResponse,
  deployment: ResolvedDeployment,
): UpstreamCall {
  const controller = new AbortController();
  let gone = false;
  const onClose = (): void => {
    if (res.writableFinished) return;
    gone = true;
    controller.abort();
  };
  res.once('close', onClose);
  return {
    ctx: { deployment, signal: controller.signal, requestId: req.id },
    clientGone: () => gone,
    dispose: () => res.off('close', onClose),
  };
}
