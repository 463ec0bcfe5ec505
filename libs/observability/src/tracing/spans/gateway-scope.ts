/** The instrumentation scope of every span the gateway makes itself. */
export const GATEWAY_TRACER_NAME = 'routeiq-gateway';
