import pino, { type DestinationStream } from 'pino';
import { CoalescedLogStream } from './coalesced-log.stream';

let destination: CoalescedLogStream | undefined;

/**
 * The process's one log stream (stdout), shared by the application logger and the access log.
 * The lines of one event-loop turn go out together in one synchronous write when the turn ends
 * ({@link CoalescedLogStream}): no thread-pool round trip per line, and one `write(2)` for many
 * lines under load. Pending lines are written when the process exits.
 */
export function logDestination(): DestinationStream {
  if (!destination) {
    const stream = new CoalescedLogStream(pino.destination({ dest: 1, sync: true }));
    process.once('exit', () => stream.flushSync());
    destination = stream;
  }
  return destination;
}
