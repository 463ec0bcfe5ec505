export type A2aVersion = '1.0' | '0.3';

// 1.0 name → 0.3 name; null where 0.3 has no equivalent.
const V1_TO_V03: ReadonlyMap<string, string | null> = new Map([
  ['SendMessage', 'message/send'],
  ['SendStreamingMessage', 'message/stream'],
  ['GetTask', 'tasks/get'],
  ['CancelTask', 'tasks/cancel'],
  ['SubscribeToTask', 'tasks/resubscribe'],
  ['ListTasks', null],
  ['CreateTaskPushNotificationConfig', 'tasks/pushNotificationConfig/set'],
  ['GetTaskPushNotificationConfig', 'tasks/pushNotificationConfig/get'],
  ['ListTaskPushNotificationConfigs', 'tasks/pushNotificationConfig/list'],
  ['DeleteTaskPushNotificationConfig', 'tasks/pushNotificationConfig/delete'],
  ['GetExtendedAgentCard', 'agent/getAuthenticatedExtendedCard'],
]);

// Spec drafts name the list method in the singular; the SDK (and the final proto) in the plural.
const V1_ALIASES: ReadonlyMap<string, string> = new Map([
  ['ListTaskPushNotificationConfig', 'ListTaskPushNotificationConfigs'],
]);

const V03_TO_V1: ReadonlyMap<string, string> = new Map(
  [...V1_TO_V03].flatMap(([v1, v03]) => (v03 === null ? [] : [[v03, v1] as const])),
);

/** The version whose naming `method` uses, or undefined for a method neither version defines. */
export function methodVersion(method: string): A2aVersion | undefined {
  if (V1_TO_V03.has(method) || V1_ALIASES.has(method)) return '1.0';
  return V03_TO_V1.has(method) ? '0.3' : undefined;
}

/** The 1.0 name of a 1.0 or 0.3 method; undefined for an unknown method. */
export function canonicalMethod(method: string): string | undefined {
  if (V1_TO_V03.has(method)) return method;
  return V1_ALIASES.get(method) ?? V03_TO_V1.get(method);
}

/**
 * The name of `method` (named as `from` names it) in version `to`. Identity when the versions are
 * equal (so extension methods pass); otherwise undefined for an unknown method or one `to` lacks
 * (`ListTasks` in 0.3).
 */
export function translateMethod(
  method: string,
  from: A2aVersion,
  to: A2aVersion,
): string | undefined {
  if (from === to) return method;
  const canonical = canonicalMethod(method);
  if (canonical === undefined || to === '1.0') return canonical;
  return V1_TO_V03.get(canonical) ?? undefined;
}
