import type { RedisConnections } from '../redis-connections';
import { bounded } from '../routing-state/redis-call';

type Command = RedisConnections['command'];

/** How long one flush may scan; each SCAN and UNLINK gets what is left of it. */
export const SCAN_TIMEOUT_MS = 10_000;
const DELETE_BATCH = 500;

/**
 * Unlinks every key matching `pattern` (SCAN + UNLINK in batches, within `SCAN_TIMEOUT_MS`) and
 * returns the sum of `tally` over the batches (the keys found, and how many UNLINK removed).
 */
export async function unlinkMatching(
  command: Command,
  pattern: string,
  action: string,
  tally: (found: readonly string[], unlinked: number) => number,
): Promise<number> {
  const deadline = Date.now() + SCAN_TIMEOUT_MS;
  let cursor = '0';
  let total = 0;
  do {
    const left = Math.max(deadline - Date.now(), 1);
    const scan = command.scan(cursor, 'MATCH', pattern, 'COUNT', DELETE_BATCH);
    const [next, found] = await bounded(scan, action, left);
    const unlinked = found.length > 0 ? await bounded(command.unlink(...found), action, left) : 0;
    total += tally(found, unlinked);
    cursor = next;
  } while (cursor !== '0');
  return total;
}
