import type { Context, ContextManager } from '@opentelemetry/api';
import { ROOT_CONTEXT } from './otel-api';

/**
 * A context manager without AsyncLocalStorage: a context is active only during the synchronous
 * call given to `with`. The gateway passes the trace context explicitly along the request path
 * and enters it around the calls that start spans (the HTTP server instrumentation's listener
 * call, the undici request), so instrumentations see the right parent at the moment they look.
 */
export class SyncContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const previous = this.current;
    this.current = context;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the bound function keeps its own `this`
    const manager = this;
    function bound(this: unknown, ...args: unknown[]): unknown {
      return manager.with(context, fn, this, ...args);
    }
    return bound as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}
