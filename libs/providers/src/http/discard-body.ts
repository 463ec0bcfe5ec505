import type { Readable } from 'node:stream';

function ignore(): void {}

/**
 * Destroys a response body we no longer want, which aborts the upstream request and closes its socket.
 * undici turns a bare destroy into an 'error' event; nobody listens any more, so swallow it here.
 */
export function discardBody(body: Readable): void {
  if (body.destroyed) return;
  body.on('error', ignore);
  body.destroy();
}
