import { scrubSecrets } from '@routeiq/common';

/** A short, log-safe description of a failed audit write (driver code when there is one). */
export function describeAuditError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const holder = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown } };
  const code = holder.code ?? holder.driverError?.code;
  // Server messages can quote row values; the driver code alone is enough to act on.
  if (typeof code === 'string') return `database error (${code})`;
  const message = typeof holder.message === 'string' ? holder.message : 'unknown error';
  return scrubSecrets(message).slice(0, 200);
}
