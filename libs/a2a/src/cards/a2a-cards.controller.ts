import { Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { OptionalUserOrAdmin, UserOrAdmin, type GatewayRequest } from '@routeiq/common';
import { A2aAgentAccessGuard } from '../access/a2a-agent-access.guard';
import { A2aCardService } from './a2a-card.service';

type Card = Record<string, unknown>;

/**
 * Agent cards. An agent's card needs a key that may call the agent (403 otherwise). The gateway's
 * own card is open, as discovery starts without a key, but lists agents only to a caller that
 * sends one: the enabled agents that key may call.
 */
@Controller()
export class A2aCardsController {
  constructor(private readonly cards: A2aCardService) {}

  @UserOrAdmin()
  @UseGuards(A2aAgentAccessGuard)
  @Get('a2a/:id/.well-known/agent-card.json')
  agentCard(@Param('id') id: string, @Req() req: GatewayRequest): Card {
    return this.cards.agentCard(id, req);
  }

  /** The seed's path for an agent's card. */
  @UserOrAdmin()
  @UseGuards(A2aAgentAccessGuard)
  @Get('.well-known/agents/:id.json')
  seedAgentCard(@Param('id') id: string, @Req() req: GatewayRequest): Card {
    return this.cards.agentCard(id, req);
  }

  @OptionalUserOrAdmin()
  @Get('.well-known/agent-card.json')
  gatewayCard(@Req() req: GatewayRequest): Card {
    return this.cards.gatewayCard(req);
  }

  /** The pre-0.3 well-known path. */
  @OptionalUserOrAdmin()
  @Get('.well-known/agent.json')
  legacyGatewayCard(@Req() req: GatewayRequest): Card {
    return this.cards.gatewayCard(req);
  }
}
