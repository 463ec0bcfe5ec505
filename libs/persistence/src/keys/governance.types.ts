import type { AgentPermissions } from '../a2a/a2a-agent.types';
import type { McpPermissions } from '../mcp/mcp-server.types';

/** Model access, limits, budget and state shared by virtual keys and teams. */
export interface GovernanceFields {
  /** Model groups (or globs) the holder may call; empty means every model. */
  models: string[];
  maxBudget: number | null;
  /** `1d`, `7d`, `30d`, `1mo`, `daily`, `weekly`, `monthly`, or `<n>s|m|h|d`. */
  budgetDuration: string | null;
  budgetResetAt: Date | null;
  /** USD spent in the current budget period (all time when there is no budget duration). */
  spend: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  /** MCP servers, access groups and tools the holder may use (LiteLLM's `object_permission`). */
  mcp: McpPermissions;
  /** A2A agents and agent access groups the holder may call (LiteLLM's `object_permission`). */
  agents: AgentPermissions;
  createdAt: Date;
  updatedAt: Date;
}

export interface VirtualKeyRecord extends GovernanceFields {
  /** SHA-256 (hex) of the key. */
  token: string;
  keyName: string;
  keyAlias: string | null;
  teamId: string | null;
  userId: string | null;
  permissions: string[];
  expiresAt: Date | null;
}

export interface TeamRecord extends GovernanceFields {
  teamId: string;
  teamAlias: string | null;
}

export type VirtualKeyPatch = Partial<Omit<VirtualKeyRecord, 'token' | 'keyName' | 'createdAt'>>;
export type TeamPatch = Partial<Omit<TeamRecord, 'teamId' | 'createdAt'>>;

export interface KeyListFilter {
  readonly teamId?: string;
  readonly userId?: string;
  readonly keyAlias?: string;
  readonly offset: number;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

/** Spend to add, per key token, team id and user id. */
export interface SpendDeltas {
  readonly keys: ReadonlyMap<string, number>;
  readonly teams: ReadonlyMap<string, number>;
  readonly users: ReadonlyMap<string, number>;
}
