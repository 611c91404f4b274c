/**
 * @module resiliency/lru
 * A bounded map that drops its least recently used entry when full (what daprd keeps an app's
 * circuit breakers in: hashicorp/golang-lru, one cache per app sized by `circuitBreakerCacheSize`).
 * A JS Map iterates in insertion order, so a read moves its entry to the end and the first key is
 * the oldest.
 */
export class Lru<K, V> {
  private readonly entries = new Map<K, V>();
  /** The most recently used key: reading it again needs no reordering. */
  private newest: K | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`an LRU cache needs a positive size, not ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, value);
      this.newest = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }
}
