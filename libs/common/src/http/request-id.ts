import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

// A client-supplied id is kept only when it is short and made of safe characters, so it can
// never inject into logs or response headers.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Returns the incoming request id when it is sane, otherwise a fresh UUIDv4. */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming)) return incoming;
  return randomUUID();
}
