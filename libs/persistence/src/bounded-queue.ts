/** A FIFO ring buffer of fixed capacity: O(1) push; when full, the oldest item is evicted. */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** Adds an item; returns true when the oldest item was evicted to make room. */
  push(item: T): boolean {
    const evicted = this.length === this.capacity;
    if (evicted) {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
      return true;
    }
    this.items[(this.head + this.length) % this.capacity] = item;
    this.length += 1;
    return false;
  }

  /** Removes and returns up to `max` of the oldest items. */
  take(max: number): T[] {
    const count = Math.min(max, this.length);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i += 1) {
      out[i] = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
    }
    this.length -= count;
    return out;
  }
}
