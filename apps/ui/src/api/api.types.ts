// Response shapes of the gateway endpoints the console reads (see docs/api.md).

export interface ObjectPermission {
  mcp_servers: string[];
  mcp_access_groups: string[];
  agents: string[];
  agent_access_groups: string[];
}

/** The limits, budget and state keys and teams share. */
export interface Governance {
  models: string[];
  max_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  spend: number;
  rpm_limit: number | null;
  tpm_limit: number | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  object_permission?: ObjectPermission;
  created_at: string;
  updated_at: string;
}

/** `/key/list?return_full_object=true`, `/key/update`: never the plaintext key. */
export interface KeyView extends Governance {
  /** SHA-256 of the key: how the API names it. */
  token: string;
  /** Masked, e.g. `sk-...Ab3x`. */
  key_name: string;
  key_alias: string | null;
  team_id: string | null;
  user_id: string | null;
  permissions: string[];
  expires: string | null;
}

/** `/key/generate`: the one answer that holds the plaintext `key`. */
export interface GeneratedKey extends KeyView {
  key: string;
}

export interface KeyList {
  keys: KeyView[];
  total_count: number;
  current_page: number;
  total_pages: number;
}

export interface KeyInfo {
  key: string;
  info: KeyView & { user_spend: number | null };
}

export interface TeamView extends Governance {
  team_id: string;
  team_alias: string | null;
}

export interface TeamInfo {
  team_id: string;
  team_info: TeamView;
  keys: KeyView[];
}

export interface AuditLogEntry {
  id: string;
  created_at: string;
  request_id: string | null;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: 'success' | 'failure' | 'denied';
  reason: string | null;
  metadata: Record<string, unknown>;
}

export interface AuditLogPage {
  data: AuditLogEntry[];
  next_cursor: string | null;
}

export interface DeploymentHealth {
  circuit: string;
  cooldown_until: string | null;
  in_flight: number;
  latency_ms: number | null;
  ttft_ms: number | null;
}

export interface DeploymentRow {
  id: string;
  provider: string;
  model: string;
  api_base: string;
  weight: number | null;
  rpm: number | null;
  tpm: number | null;
  health: DeploymentHealth;
}

export interface MlStrategyInfo {
  name: string;
  version: string;
  model_path: string | null;
  loaded_at: string | null;
  last_error: string | null;
  hot_reload: boolean;
}

export interface RouterInfo {
  routing_strategy: string;
  active_strategies: Array<{ name: string; version: string; weight: number }>;
  model_group_alias: Record<string, string>;
  num_retries: number;
  fallbacks: Record<string, string[]>;
  default_fallbacks: string[];
  model_groups: Array<{
    model_name: string;
    candidate_groups?: string[];
    deployments: DeploymentRow[];
  }>;
  ml_strategies: MlStrategyInfo[];
  decision_timings: Array<{ strategy: string; decisions: number; p50_us: number; p99_us: number }>;
}

export interface ModelList {
  data: Array<{ id: string; owned_by?: string; created?: number }>;
}

export interface StrategyEntry {
  name: string;
  version: string | null;
  state: 'active' | 'staged' | 'disabled';
  weight: number;
  share: number;
  failures: number;
  last_failure: { reason: string; at: string } | null;
}

export interface StrategyStatus {
  active: string;
  default: string;
  configured: string;
  active_source: 'config' | 'operator';
  rollback_target: string | null;
  experiment: { id: string; bucket_by: string | null; variants: Record<string, string> } | null;
  revision: number;
  updated_at: string;
  strategies: StrategyEntry[];
}

export interface RouterDecision {
  request_id: string;
  timestamp: string;
  model_group: string;
  strategy: string;
  strategy_version: string;
  experiment?: { id: string; variant: string };
  strategy_error?: string;
  candidates: Array<{ deployment: string; state: string }>;
  selected: string | null;
  reason: string;
  timings: { decision_us: number; total_ms: number };
  outcome: 'success' | 'error' | 'dry_run';
  fallback?: { from: string; to: string; reason: string };
  attempts: Array<{
    deployment: string;
    outcome: string;
    error_code?: string;
    duration_ms: number;
  }>;
}

/** Where a server comes from: the config file's `mcp_servers` section, or the admin API. */
export type McpServerSource = 'config' | 'api';

export interface McpServer {
  server_id: string;
  server_name: string;
  description: string | null;
  url: string | null;
  transport: string;
  auth_type: string;
  has_credentials: boolean;
  mcp_access_groups: string[];
  allowed_tools: string[];
  enabled: boolean;
  source: McpServerSource;
  created_at: string;
}

export interface McpServerHealth {
  server_id: string;
  server_name: string;
  status: 'healthy' | 'unhealthy' | 'disabled';
  latency_ms: number | null;
  tool_count: number | null;
  error: string | null;
  checked_at: string;
}

export interface McpTool {
  name: string;
  server_id: string;
  tool_name: string;
  title?: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export interface A2aAgent {
  agent_id: string;
  name: string;
  description: string | null;
  protocol_version: string;
  capabilities: string[];
  skills: Array<{ id: string; name: string; description: string | null; tags: string[] }>;
  gateway_url: string;
  access_groups: string[];
  key_rpm_limit: number | null;
  enabled: boolean;
  url?: string;
  card_url?: string | null;
  auth_type?: string;
  has_credentials?: boolean;
  created_at: string;
}

export interface SpendTotals {
  spend: number;
  requests: number;
  failed_requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface SpendReport {
  group_by: string;
  data: Array<SpendTotals & Record<string, unknown>>;
  total: SpendTotals;
}

export interface EffectiveConfig {
  generation: number;
  loaded_at: string;
  source_path: string;
  config: Record<string, unknown>;
}

export interface ConfigReloadResult {
  status: 'reloaded';
  generation: number;
  models: number;
  warnings: string[];
}

export interface ConfigSyncStatus {
  ha_mode: string;
  instance_id: string;
  role: string;
  generation: number;
  redis: string;
  leader: { instance_id: string; since: string | null; fencing_token: number } | null;
}
