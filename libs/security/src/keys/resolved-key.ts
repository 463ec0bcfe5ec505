import type { TeamRecord, VirtualKeyRecord } from '@routeiq/persistence';

/** A virtual key as the request path sees it: the key, its team, and when they were loaded. */
export interface ResolvedKey {
  readonly key: VirtualKeyRecord;
  readonly team: TeamRecord | null;
  readonly keyId: string;
  readonly loadedAt: number;
}

/** Bus topic of key/team changes; every replica evicts what it cached for them. */
export const KEYS_CHANGED_TOPIC = 'keys.changed';

export interface KeysChangedPayload extends Record<string, unknown> {
  readonly tokens?: string[];
  readonly teamIds?: string[];
}
