import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it holds, for state that changes asynchronously (a socket closing, a timer
 * firing, a write landing). Fails naming `what` after `timeoutMs`: a bound for a broken behaviour
 * to show, generous because CI runs the suite on a busy machine.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not met within ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}
