/** The abort reason of a deadline set by this lib: lets error mapping tell a timeout from a client abort. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';

  constructor(readonly timeoutMs: number) {
    super(`Deadline of ${timeoutMs} ms exceeded`);
  }
}

/** An abort signal that fires when the parent aborts or after `timeoutMs`. Call `dispose()` when done. */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  dispose(): void;
}

/**
 * Combines the caller's signal with a deadline. Unlike `AbortSignal.timeout`, the timer is cleared on
 * `dispose()`, so a busy gateway does not keep one pending timer per finished request alive.
 * On expiry the signal's reason is a `DeadlineExceededError`; on a parent abort it is the parent's reason.
 */
export function withDeadline(parent: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, timeoutMs, dispose: noop };
  }
  const onParentAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DeadlineExceededError(timeoutMs)), timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    timeoutMs,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

function noop(): void {}
