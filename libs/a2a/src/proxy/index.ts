import type { Provider, Type } from '@nestjs/common';
import { A2aCallAuditor } from './a2a-call.audit';
import { A2aCallTracker } from './a2a-call.tracker';
import { A2aForwarderService } from './a2a-forwarder.service';
import { a2aPageTokenCodecProvider } from './a2a-page-token.codec';
import { A2aProxyController } from './a2a-proxy.controller';
import { A2aProxyService } from './a2a-proxy.service';
import { A2aRequestPlanner } from './a2a-request.planner';
import { A2aStreamRelay } from './a2a-stream.relay';
import { A2aTaskLister } from './a2a-task.lister';
import { A2aTaskOwnershipService } from './a2a-task-ownership.service';
import { A2aTranslator } from './a2a-translator';
import { A2aUpstreamClient } from './a2a-upstream.client';

export { A2aProxyService } from './a2a-proxy.service';
export { A2aTaskOwnershipService } from './a2a-task-ownership.service';
export { A2aProxyController } from './a2a-proxy.controller';
export { A2A_CALL_AUDIT_ACTION } from './a2a-call.audit';

/**
 * The JSON-RPC proxy's providers. The module must also provide A2aConfig, A2aAgentDirectory,
 * AdmissionService, RequestLimits, ExpiringStore, SafeOutboundClient, OutboundUrlGuard,
 * GatewayTracer, GatewayMetrics, ServerConfig and the `persistence` config namespace.
 */
export const A2A_PROXY_PROVIDERS: Provider[] = [
  A2aTranslator,
  A2aTaskOwnershipService,
  A2aUpstreamClient,
  A2aRequestPlanner,
  A2aStreamRelay,
  a2aPageTokenCodecProvider,
  A2aTaskLister,
  A2aForwarderService,
  A2aCallAuditor,
  A2aCallTracker,
  A2aProxyService,
];

export const A2A_PROXY_CONTROLLERS: Type[] = [A2aProxyController];
