import type { Provider, Type } from '@nestjs/common';
import { A2aCardService } from './a2a-card.service';
import { A2aCardsController } from './a2a-cards.controller';

export * from './a2a-card.fetcher';
export * from './a2a-card.reader';
export * from './a2a-card.rewriter';
export * from './a2a-card.service';
export * from './a2a-cards.controller';

/**
 * Card serving. Needs A2aConfig and A2aAgentDirectory; A2aCardFetcher is provided with the
 * registry (A2A_REGISTRY_PROVIDERS), its only user.
 */
export const A2A_CARD_PROVIDERS: Provider[] = [A2aCardService];

/** Register after the registry's controllers: `GET /a2a/agents/...` must win over `/a2a/:id/...`. */
export const A2A_CARD_CONTROLLERS: Type[] = [A2aCardsController];
