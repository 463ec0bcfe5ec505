import { Page } from '../../components/page';
import { UserKeyGate } from '../../components/user-key-gate';
import { DecisionsPanel } from './decisions.panel';
import { MlRouterPanel } from './ml-router.panel';
import { StrategyPanel } from './strategy.panel';

export function RoutingPage() {
  return (
    <Page
      title="Routing"
      description="The active strategy, A/B weights, staged candidates, the learned router and recent decisions."
    >
      <UserKeyGate purpose="the strategy registry's state (GET /strategy/status, /router/info)">
        <StrategyPanel />
        <MlRouterPanel />
      </UserKeyGate>
      <DecisionsPanel />
    </Page>
  );
}
