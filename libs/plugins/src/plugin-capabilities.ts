import type { GatewayPlugin, PluginCapability, PluginFailureMode } from './plugin.types';

export const PLUGIN_CAPABILITIES: readonly PluginCapability[] = [
  'observe',
  'short_circuit',
  'modify_request',
  'modify_response',
  'guardrail',
  'network',
];

export const PLUGIN_FAILURE_MODES: readonly PluginFailureMode[] = [
  'continue',
  'abort',
  'quarantine',
];

/** Hooks the gateway calls; `startup`/`shutdown` are lifecycle, not listed. */
export type PluginHookName =
  | 'onRequest'
  | 'onLlmPreCall'
  | 'onLlmSuccess'
  | 'onLlmFailure'
  | 'onStreamChunk'
  | 'onStreamEnd'
  | 'onConfigReload'
  | 'onCircuitBreakerChange';

/**
 * Which declared capability lets the gateway call a hook (any one of them). What a hook may do
 * beyond being called is checked where it does it: an answer needs `short_circuit`, a refusal
 * `guardrail`, a replaced result or chunk `modify_response`.
 */
export const HOOK_CAPABILITIES: Readonly<Record<PluginHookName, readonly PluginCapability[]>> = {
  onRequest: ['short_circuit', 'guardrail', 'observe'],
  onLlmPreCall: ['modify_request', 'guardrail'],
  onLlmSuccess: ['observe', 'modify_response', 'guardrail'],
  onLlmFailure: ['observe'],
  onStreamChunk: ['modify_response', 'guardrail'],
  onStreamEnd: ['modify_response', 'guardrail'],
  onConfigReload: ['observe'],
  onCircuitBreakerChange: ['observe'],
};

export const PLUGIN_HOOKS = Object.keys(HOOK_CAPABILITIES) as readonly PluginHookName[];

/** Whether the gateway calls `hook` of `plugin`: it has the hook and declared a capability for it. */
export function callsHook(
  plugin: GatewayPlugin,
  capabilities: ReadonlySet<PluginCapability>,
  hook: PluginHookName,
): boolean {
  if (typeof plugin[hook] !== 'function') return false;
  return HOOK_CAPABILITIES[hook].some((capability) => capabilities.has(capability));
}

/** Capabilities a plugin declared that the operator does not allow (empty: accepted). */
export function refusedCapabilities(
  plugin: GatewayPlugin,
  allowed: readonly PluginCapability[],
): PluginCapability[] {
  return plugin.capabilities.filter((capability) => !allowed.includes(capability));
}
