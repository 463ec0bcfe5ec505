import type { Provider } from '@nestjs/common';
import { A2aCardFetcher } from '../cards/a2a-card.fetcher';
import { A2aAgentDirectory } from './a2a-agent.directory';
import { A2aAgentAdminService } from './a2a-agent-admin.service';
import { A2aAgentsAliasController, A2aAgentsController } from './a2a-agents.controller';
import { A2aRegistryService } from './a2a-registry.service';

export * from './a2a-agent.directory';
export * from './a2a-agent.parser';
export type { A2aAgentUpdate } from './a2a-agent-patch';
export * from './a2a-agent.view';
export * from './a2a-agent-admin.service';
export * from './a2a-agents.controller';
export * from './a2a-registry.service';

/**
 * The registry (also bound as the `A2aAgentDirectory` port), the card fetcher and the service
 * behind the REST routes. Needs `A2aAgentStore`, `CoordinationBus`, `OutboundUrlGuard` and
 * `SafeOutboundClient` in scope.
 */
export const A2A_REGISTRY_PROVIDERS: Provider[] = [
  A2aRegistryService,
  { provide: A2aAgentDirectory, useExisting: A2aRegistryService },
  A2aCardFetcher,
  A2aAgentAdminService,
];

export const A2A_REGISTRY_CONTROLLERS = [A2aAgentsController, A2aAgentsAliasController];
