import type { GatewayResponse } from '@routeiq/common';

export interface UpstreamCall {
  /** Aborted when the client disconnects before the response is complete. */
  readonly signal: AbortSignal;
  /** True once the client went away before the response was complete. */
  readonly clientGone: () => boolean;
  dispose(): void;
}

/**
 * Ties the upstream calls of a request to the client connection: when the client disconnects
 * before the response is complete, the upstream request is aborted too.
 */
export function openUpstreamCall(res: GatewayResponse): UpstreamCall {
  const controller = new AbortController();
  let gone = false;
  const onClose = (): void => {
    if (res.writableFinished) return;
    gone = true;
    controller.abort();
  };
  // `on`, not `once`: 'close' fires once anyway, and `once` allocates a wrapper per request.
  res.on('close', onClose);
  return {
    signal: controller.signal,
    clientGone: () => gone,
    dispose: () => res.off('close', onClose),
  };
}
