import type { IncomingMessage, ServerResponse } from 'node:http';

/** Who is calling: resolved by the auth guard, read by everything after it. */
export interface Principal {
  /** `master` for the master key; virtual keys arrive with the security issue. */
  readonly kind: 'master' | 'admin' | 'virtual';
  /** Stable, non-secret identifier of the credential (e.g. a key hash prefix). */
  readonly keyId: string;
}

/**
 * The raw Node request as the gateway sees it. Express adds more, but the request path only relies
 * on these fields so the HTTP platform stays a detail.
 */
export interface GatewayRequest extends IncomingMessage {
  id: string;
  body?: unknown;
  principal?: Principal;
  /** Express-provided path without the query string. */
  path?: string;
}

export type GatewayResponse = ServerResponse;
