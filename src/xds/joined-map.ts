/**
 * A read-only Map over two maps with no key in common: the first's entries, then the second's.
 * For a snapshot type whose entries are a proxy's own plus a shared layer's (snapshot-layer.ts):
 * made in O(1), where copying the layer would cost its size for every proxy.
 */
export class JoinedMap<V> implements ReadonlyMap<string, V> {
  constructor(
    private readonly first: ReadonlyMap<string, V>,
    private readonly second: ReadonlyMap<string, V>,
  ) {}

  get size(): number {
    return this.first.size + this.second.size;
  }

  get(key: string): V | undefined {
    return this.first.get(key) ?? this.second.get(key);
  }

  has(key: string): boolean {
    return this.first.has(key) || this.second.has(key);
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[string, V]> {
    yield* this.first.entries();
    yield* this.second.entries();
  }

  *keys(): MapIterator<string> {
    yield* this.first.keys();
    yield* this.second.keys();
  }

  *values(): MapIterator<V> {
    yield* this.first.values();
    yield* this.second.values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
