import { compact, isRecord } from './json-record.util';

/**
 * 0.3 PushNotificationConfig `{url, id, token, authentication: {schemes[], credentials}}` → the
 * fields of a 1.0 TaskPushNotificationConfig `{url, id, token, authentication: {scheme, credentials}}`.
 * 1.0 keeps one scheme: further 0.3 schemes are lost.
 */
export function pushConfigToV1(config: unknown): unknown {
  if (!isRecord(config)) return config;
  return compact({ ...config, authentication: authenticationToV1(config.authentication) });
}

export function pushConfigToV03(config: unknown): unknown {
  if (!isRecord(config)) return config;
  return compact({ ...config, authentication: authenticationToV03(config.authentication) });
}

/** 0.3 `{taskId, pushNotificationConfig: {...}}` → 1.0 flat `{taskId, id, url, token, authentication}`. */
export function taskPushConfigToV1(config: unknown): unknown {
  if (!isRecord(config)) return config;
  const { pushNotificationConfig, ...rest } = config;
  const inner = pushConfigToV1(pushNotificationConfig);
  if (!isRecord(inner)) return config;
  return { ...rest, ...inner };
}

export function taskPushConfigToV03(config: unknown): unknown {
  if (!isRecord(config) || 'pushNotificationConfig' in config) return config;
  const { url, id, token, authentication, ...rest } = config;
  const inner = compact({ url, id, token, authentication });
  return { ...rest, pushNotificationConfig: pushConfigToV03(inner) };
}

/** 0.3 list result (an array) → 1.0 `{configs}`. */
export function pushConfigListToV1(list: unknown): unknown {
  return Array.isArray(list) ? { configs: list.map(taskPushConfigToV1) } : list;
}

/** 1.0 `{configs, nextPageToken}` → 0.3 array; 0.3 cannot page, so the token is dropped. */
export function pushConfigListToV03(list: unknown): unknown {
  if (!isRecord(list)) return list;
  // protojson omits an empty `configs`.
  if (list.configs === undefined) return [];
  return Array.isArray(list.configs) ? list.configs.map(taskPushConfigToV03) : list;
}

function authenticationToV1(auth: unknown): unknown {
  if (!isRecord(auth) || !Array.isArray(auth.schemes)) return auth;
  const { schemes, ...rest } = auth;
  return compact({ ...rest, scheme: schemes[0] as unknown });
}

function authenticationToV03(auth: unknown): unknown {
  if (!isRecord(auth) || 'schemes' in auth) return auth;
  const { scheme, ...rest } = auth;
  return { ...rest, schemes: typeof scheme === 'string' && scheme !== '' ? [scheme] : [] };
}
