import pino, { type DestinationStream } from 'pino';

let destination: DestinationStream | undefined;

/**
 * The process's one log stream (stdout), shared by the application logger and the access log.
 * Asynchronous writes: lines written while one write is in flight go out together, so a line per
 * request does not cost a write(2) per request under load; pending lines are flushed
 * synchronously when the process exits.
 */
export function logDestination(): DestinationStream {
  destination ??= pino.destination({ dest: 1, sync: false });
  return destination;
}
