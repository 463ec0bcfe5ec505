import { TEST_MASTER_KEY } from './gateway-harness';

export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Minimal fetch wrapper for raw HTTP assertions (status codes, headers, error bodies). */
export async function call<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

export const userHeaders = (key = TEST_MASTER_KEY): Record<string, string> => ({
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
});

export interface ErrorEnvelope {
  error: { message: string; type: string; code: string; param: string | null };
  request_id: string;
}
