import type { ConfigReloadResult, ConfigSyncStatus, EffectiveConfig } from './api.types';
import { gatewayJson } from './gateway-client';

export const effectiveConfig = (signal?: AbortSignal): Promise<EffectiveConfig> =>
  gatewayJson('/config/effective', { auth: 'admin', signal });

export const reloadConfig = (): Promise<ConfigReloadResult> =>
  gatewayJson('/config/reload', { auth: 'admin', method: 'POST' });

export const reloadRouter = (): Promise<{ status: 'reloaded' } & Record<string, unknown>> =>
  gatewayJson('/router/reload', { auth: 'admin', method: 'POST' });

export const syncStatus = (signal?: AbortSignal): Promise<ConfigSyncStatus> =>
  gatewayJson('/config/sync/status', { auth: 'admin', signal });

/** Readiness answers 503 with the failing checks: both are shown. */
export const readiness = async (signal?: AbortSignal): Promise<Record<string, unknown>> => {
  const response = await fetch('/_health/ready', {
    signal,
    cache: 'no-store',
    credentials: 'omit',
  });
  return (await response.json()) as Record<string, unknown>;
};
