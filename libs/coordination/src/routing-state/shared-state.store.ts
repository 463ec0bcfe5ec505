/**
 * Small named documents every replica reads (the strategy registry's state, …): Redis keys under
 * the prefix, or memory on a single node. Changes are announced on the bus by their owners; this
 * is where a replica that starts or reconnects catches up.
 */
export abstract class SharedStateStore {
  abstract get(name: string): Promise<string | undefined>;
  abstract set(name: string, value: string): Promise<void>;
  abstract delete(name: string): Promise<void>;
}
