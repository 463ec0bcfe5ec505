import type {
  GeneratedKey,
  KeyInfo,
  KeyList,
  KeyView,
  SpendReport,
  TeamInfo,
  TeamView,
} from './api.types';
import { gatewayJson } from './gateway-client';

// The LiteLLM-compatible key and team routes (admin key).

export const listKeys = (page: number, size: number, signal?: AbortSignal): Promise<KeyList> =>
  gatewayJson('/key/list', {
    auth: 'admin',
    query: { page, size, return_full_object: 'true' },
    signal,
  });

export const generateKey = (body: Record<string, unknown>): Promise<GeneratedKey> =>
  gatewayJson('/key/generate', { auth: 'admin', method: 'POST', body });

export const updateKey = (body: Record<string, unknown>): Promise<KeyView> =>
  gatewayJson('/key/update', { auth: 'admin', method: 'POST', body });

export const setKeyBlocked = (token: string, blocked: boolean): Promise<KeyView> =>
  gatewayJson(blocked ? '/key/block' : '/key/unblock', {
    auth: 'admin',
    method: 'POST',
    body: { key: token },
  });

export const deleteKey = (token: string): Promise<{ deleted_keys: string[] }> =>
  gatewayJson('/key/delete', { auth: 'admin', method: 'POST', body: { keys: [token] } });

export const keyInfo = (token: string, signal?: AbortSignal): Promise<KeyInfo> =>
  gatewayJson('/key/info', { auth: 'admin', query: { key: token }, signal });

export const listTeams = (signal?: AbortSignal): Promise<TeamView[]> =>
  gatewayJson('/team/list', { auth: 'admin', query: { size: 500 }, signal });

export const createTeam = (body: Record<string, unknown>): Promise<TeamView> =>
  gatewayJson('/team/new', { auth: 'admin', method: 'POST', body });

export const updateTeam = (body: Record<string, unknown>): Promise<TeamView> =>
  gatewayJson('/team/update', { auth: 'admin', method: 'POST', body });

export const deleteTeam = (
  teamId: string,
): Promise<{ deleted_teams: string[]; deleted_keys: string[] }> =>
  gatewayJson('/team/delete', { auth: 'admin', method: 'POST', body: { team_ids: [teamId] } });

export const teamInfo = (teamId: string, signal?: AbortSignal): Promise<TeamInfo> =>
  gatewayJson('/team/info', { auth: 'admin', query: { team_id: teamId }, signal });

/** Usage per key or team from the request log, or null when the gateway has no such report. */
export const usageReport = (
  groupBy: 'key' | 'team',
  signal?: AbortSignal,
): Promise<SpendReport | null> =>
  gatewayJson<SpendReport>('/spend/report', {
    auth: 'admin',
    query: { group_by: groupBy },
    signal,
  }).catch(() => null);
