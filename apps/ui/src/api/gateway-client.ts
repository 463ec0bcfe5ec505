import { sessionStore } from '../session/session.store';
import { endsAdminSession, errorFromBody, GatewayError, networkError } from './gateway-error';

/** Which key a call sends: the admin key, the user key, or none. */
export type Credential = 'admin' | 'user' | 'none';

export interface RequestOptions {
  readonly auth: Credential;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined | null>>;
  readonly signal?: AbortSignal;
  /** Extra request headers (e.g. `accept`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Calls the gateway this console was loaded from; the response is not read yet. */
export async function gatewayFetch(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = {
    ...options.headers,
    ...credentialHeaders(options.auth),
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(urlOf(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw networkError(error);
  }
  if (!response.ok)
    throw failed(options.auth, errorFromBody(response.status, await response.text()));
  return response;
}

/** A JSON call; resolves with the parsed body. */
export async function gatewayJson<T>(path: string, options: RequestOptions): Promise<T> {
  const response = await gatewayFetch(path, options);
  const text = await response.text();
  return (text === '' ? null : JSON.parse(text)) as T;
}

/** A call whose answer is text (`/metrics`). */
export async function gatewayText(path: string, options: RequestOptions): Promise<string> {
  return (await gatewayFetch(path, options)).text();
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

function credentialHeaders(auth: Credential): Record<string, string> {
  const { adminKey, userKey } = sessionStore.get();
  if (auth === 'admin') {
    if (!adminKey) throw new GatewayError(401, 'missing_admin_key', 'Sign in with an admin key');
    return { 'x-admin-api-key': adminKey };
  }
  if (auth === 'user') {
    if (!userKey) throw new GatewayError(401, 'missing_user_key', 'This needs a user key');
    return { authorization: `Bearer ${userKey}` };
  }
  return {};
}

/** Bad credentials end the session (admin) or drop the user key; the error is rethrown. */
function failed(auth: Credential, error: GatewayError): GatewayError {
  if (auth === 'admin' && endsAdminSession(error)) sessionStore.signOut(error.message);
  if (auth === 'user' && error.status === 401) sessionStore.clearUserKey(error.message);
  return error;
}
