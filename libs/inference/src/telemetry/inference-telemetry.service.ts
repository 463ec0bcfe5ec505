import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { GatewayMetrics, GatewayTracer, genAiOperationName } from '@routeiq/observability';
import type { RoutingSession } from '@routeiq/routing';
import { InferenceTrace } from './inference-trace';
import { RequestTelemetry } from './request-telemetry';

/** Creates the telemetry of each inference request (spans only when tracing is on). */
@Injectable()
export class InferenceTelemetry {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly tracer: GatewayTracer,
  ) {}

  begin(
    endpoint: string,
    request: object,
    req: GatewayRequest,
    stream: boolean,
    session: RoutingSession,
    /** The call answers the HTTP request itself (not a turn of the hosted tool loop). */
    answersRequest: boolean,
  ): RequestTelemetry {
    const operation = genAiOperationName(endpoint);
    const group = session.decision.model_group;
    const trace = this.tracer.enabled
      ? new InferenceTrace(this.tracer, operation, group, req, stream, request, answersRequest)
      : undefined;
    return new RequestTelemetry(this.metrics, trace, operation, req, session, stream);
  }
}
