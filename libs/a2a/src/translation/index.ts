import { type A2aVersion, canonicalMethod } from './a2a-method.mapper';
import { mapParams } from './a2a-params.mapper';
import { eventToV03, eventToV1, mapResult } from './a2a-result.mapper';

export {
  type A2aVersion,
  canonicalMethod,
  methodVersion,
  translateMethod,
} from './a2a-method.mapper';

/**
 * Translates JSON-RPC `params` of `method1_0` (a 1.0 name; a 0.3 name is accepted too) from one
 * protocol version to the other. Pure, never throws: unknown methods, shapes and fields pass through.
 */
export function translateParams(
  method1_0: string,
  params: unknown,
  from: A2aVersion,
  to: A2aVersion,
): unknown {
  if (from === to) return params;
  return mapParams(canonicalMethod(method1_0) ?? method1_0, params, to);
}

/** Translates a JSON-RPC `result` of `method1_0` between versions; same rules as translateParams. */
export function translateResult(
  method1_0: string,
  result: unknown,
  from: A2aVersion,
  to: A2aVersion,
): unknown {
  if (from === to) return result;
  return mapResult(canonicalMethod(method1_0) ?? method1_0, result, to);
}

/**
 * Translates one streamed JSON-RPC `result` (of SendStreamingMessage / SubscribeToTask): 1.0
 * `{task|message|statusUpdate|artifactUpdate}` ⇄ 0.3 bare object tagged by `kind`.
 */
export function translateStreamEvent(event: unknown, from: A2aVersion, to: A2aVersion): unknown {
  if (from === to) return event;
  return to === '1.0' ? eventToV1(event) : eventToV03(event);
}
