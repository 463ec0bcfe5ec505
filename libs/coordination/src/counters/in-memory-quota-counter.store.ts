import {
  checkAdjustments,
  checkReservations,
  QuotaCounterStore,
  type CounterAdjustment,
  type CounterReservation,
  type CounterReserveResult,
} from './quota-counter.store';

interface Counter {
  value: number;
  expiresAt: number;
}

// Expired counters are dropped when touched; a full sweep now and then bounds memory for counters
// of subjects that never come back.
const SWEEP_EVERY_WRITES = 1000;

/** Single-node QuotaCounterStore: the same semantics as Redis, atomic because calls are synchronous. */
export class InMemoryQuotaCounterStore extends QuotaCounterStore {
  private readonly counters = new Map<string, Counter>();
  private writesSinceSweep = 0;

  async reserve(items: readonly CounterReservation[]): Promise<CounterReserveResult> {
    checkReservations(items);
    const now = Date.now();
    const currents = items.map((item) => this.currentOf(item.key, now));
    for (const [index, item] of items.entries()) {
      const current = currents[index] ?? 0;
      if (item.amount > 0 && current + item.amount > item.limit) {
        return { ok: false, index, current };
      }
    }
    const values = items.map((item, index) =>
      item.amount > 0 ? this.add(item.key, item.amount, item.ttlMs, now) : (currents[index] ?? 0),
    );
    this.maybeSweep(now);
    return { ok: true, values };
  }

  async adjust(items: readonly CounterAdjustment[]): Promise<void> {
    checkAdjustments(items);
    const now = Date.now();
    for (const { key, delta, ttlMs } of items) {
      const counter = this.live(key, now);
      if (counter) counter.value = Math.max(0, counter.value + delta);
      else if (delta > 0) this.add(key, delta, ttlMs, now);
    }
    this.maybeSweep(now);
  }

  async read(keys: readonly string[]): Promise<number[]> {
    const now = Date.now();
    return keys.map((key) => this.currentOf(key, now));
  }

  private add(key: string, amount: number, ttlMs: number, now: number): number {
    const counter = this.live(key, now);
    if (counter) {
      counter.value += amount;
      return counter.value;
    }
    this.counters.set(key, { value: amount, expiresAt: now + ttlMs });
    this.writesSinceSweep += 1;
    return amount;
  }

  private currentOf(key: string, now: number): number {
    return this.live(key, now)?.value ?? 0;
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.expiresAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private maybeSweep(now: number): void {
    if (this.writesSinceSweep < SWEEP_EVERY_WRITES) return;
    this.writesSinceSweep = 0;
    for (const [key, counter] of this.counters) {
      if (counter.expiresAt <= now) this.counters.delete(key);
    }
  }
}
