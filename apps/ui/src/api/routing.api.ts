import type { RouterDecision, RouterInfo, StrategyStatus } from './api.types';
import { gatewayJson } from './gateway-client';

// The strategy registry (reads: user key; changes: admin key) and the router's state.

export const strategyStatus = (signal?: AbortSignal): Promise<StrategyStatus> =>
  gatewayJson('/strategy/status', { auth: 'user', signal });

export const routerInfo = (signal?: AbortSignal): Promise<RouterInfo> =>
  gatewayJson('/router/info', { auth: 'user', signal });

export const setStrategyWeights = (weights: Record<string, number>): Promise<StrategyStatus> =>
  gatewayJson('/strategy/weights', { auth: 'admin', method: 'POST', body: { weights } });

export const stageStrategy = (strategy: string, weight: number | null): Promise<StrategyStatus> =>
  gatewayJson('/strategy/stage', {
    auth: 'admin',
    method: 'POST',
    body: weight === null ? { strategy } : { strategy, weight },
  });

export const promoteStrategy = (strategy: string): Promise<StrategyStatus> =>
  gatewayJson('/strategy/promote', { auth: 'admin', method: 'POST', body: { strategy } });

export const rollbackStrategy = (): Promise<StrategyStatus> =>
  gatewayJson('/strategy/rollback', { auth: 'admin', method: 'POST' });

export const recentDecisions = (
  limit: number,
  model: string,
  signal?: AbortSignal,
): Promise<RouterDecision[]> =>
  gatewayJson('/router/decisions', { auth: 'admin', query: { limit, model }, signal });
