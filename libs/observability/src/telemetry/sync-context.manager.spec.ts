import { createContextKey, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { SyncContextManager } from './sync-context.manager';

const KEY = createContextKey('routeiq.test');
const named = (name: string, parent: Context = ROOT_CONTEXT): Context => parent.setValue(KEY, name);
const nameOf = (context: Context): unknown => context.getValue(KEY);

describe(SyncContextManager.name, () => {
  let manager: SyncContextManager;

  beforeEach(() => (manager = new SyncContextManager().enable()));

  it('starts at the root context', () => {
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('makes a context active for the call, nests, and restores each level after it', () => {
    const outer = named('outer');
    const inner = named('inner', outer);
    const seen: unknown[] = [];
    const result = manager.with(outer, () => {
      seen.push(nameOf(manager.active()));
      manager.with(inner, () => seen.push(nameOf(manager.active())));
      seen.push(nameOf(manager.active()));
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual(['outer', 'inner', 'outer']);
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('restores the previous context when the call throws, and rethrows', () => {
    const outer = named('outer');
    manager.with(outer, () => {
      expect(() =>
        manager.with(named('failing'), () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(manager.active()).toBe(outer);
    });
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('passes thisArg and the arguments through', () => {
    const target = {
      factor: 3,
      times(this: { factor: number }, a: number, b: number): number {
        return this.factor * a * b;
      },
    };
    expect(manager.with(named('x'), target.times, target, 2, 5)).toBe(30);
  });

  it('binds a function to a context for every later call, whatever is active then', () => {
    const bound = manager.bind(named('bound'), (suffix: string) => {
      return `${String(nameOf(manager.active()))}-${suffix}`;
    });
    expect(bound('a')).toBe('bound-a');
    expect(manager.with(named('other'), () => bound('b'))).toBe('bound-b');
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('restores the context after a bound function throws', () => {
    const bound = manager.bind(named('bound'), () => {
      throw new Error('bound boom');
    });
    expect(() => bound()).toThrow('bound boom');
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  // Known bug: OpenTelemetry's own managers call a bound function with the caller's `this`
  // (`target.apply(this, args)`); this one calls it with `undefined`. Remove `.failing` once fixed.
  it('calls a bound function with the receiver it was called on', () => {
    const receiver = {
      name: 'receiver',
      read: manager.bind(named('bound'), function (this: { name: string } | undefined) {
        return this?.name;
      }),
    };
    expect(receiver.read()).toBe('receiver');
  });

  it('returns targets that are not functions as they are', () => {
    const emitter = { on: () => undefined };
    const context = named('x');
    expect(manager.bind(context, emitter)).toBe(emitter);
    expect(manager.bind(context, 42)).toBe(42);
    expect(manager.bind(context, undefined)).toBeUndefined();
  });

  // The gateway passes contexts explicitly (no AsyncLocalStorage): whatever runs after an await
  // sees the root context, not the one active when it was scheduled.
  it('does not carry the context into an async continuation', async () => {
    const seen: unknown[] = [];
    let continuation: Promise<void> | undefined;
    manager.with(named('request'), () => {
      seen.push(nameOf(manager.active()));
      continuation = (async () => {
        await Promise.resolve();
        seen.push(nameOf(manager.active()));
      })();
    });
    await continuation;
    const timer = new Promise<void>((resolve) =>
      manager.with(named('timer'), () =>
        setTimeout(() => {
          seen.push(nameOf(manager.active()));
          resolve();
        }, 0),
      ),
    );
    await timer;
    expect(seen).toEqual(['request', undefined, undefined]);
  });

  it('goes back to the root context when disabled', () => {
    manager.with(named('x'), () => {
      manager.disable();
      expect(manager.active()).toBe(ROOT_CONTEXT);
    });
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });
});
