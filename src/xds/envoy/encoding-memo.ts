/**
 * Encoding and content hashing with a memo, so identical resources shared by many proxies' snapshots
 * are encoded once. A resource is found again by object identity (the same object handed in twice)
 * or by a content key the caller provides (equal keys promise equal content, e.g. a hash of the
 * resource's JSON). A keyed hit also hands back the canonical resource, the first object encoded
 * under that key, so snapshots built at different times (other MeshContexts) hold one copy of equal
 * resources instead of one per proxy. Resources must not be mutated after they were encoded.
 *
 * Keyed entries are a least-recently-used map bounded by count and by encoded bytes. What is live is
 * what current snapshots use: with every cluster, CLA, listener and route keyed that is a few per
 * destination port (not per proxy: 1,000 proxies x 500 destinations make ~2-4k distinct ones, a few
 * MB). What is stale (the CLA of an endpoint set that changed since) goes out within the bound; an
 * entry's heap is a few times its bytes, as the canonical object is kept with it.
 */
import { createHash } from 'node:crypto';
import { encodeResource, type EncodedAny, type EnvoyObject } from './encode.js';

export interface EncodedResource {
  readonly any: EncodedAny;
  /** Content hash of the encoded bytes: equal hash, equal resource. */
  readonly hash: string;
  /** The object first encoded to this: equal in content to the one handed in; keep this one. */
  readonly resource: EnvoyObject;
}

export function contentHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 16);
}

/** Room for stale entries many times over the live ones at 1,000 proxies x 500 destinations. */
export const DEFAULT_MAX_KEYED = 100_000;
/** Encoded bytes of keyed entries; live ones at 5,000 destinations are well under 10 MB. */
export const DEFAULT_MAX_KEYED_BYTES = 32 * 1024 * 1024;

export class EncodingMemo {
  private readonly byObject = new WeakMap<object, Map<string, EncodedResource>>();
  private readonly byKey = new Map<string, EncodedResource>();
  private bytes = 0;
  private hitCount = 0;
  private missCount = 0;

  /**
   * @param maxKeyed how many content-keyed entries to keep (least recently used are dropped).
   * @param maxKeyedBytes how many encoded bytes they may hold together.
   */
  constructor(
    private readonly maxKeyed = DEFAULT_MAX_KEYED,
    private readonly maxKeyedBytes = DEFAULT_MAX_KEYED_BYTES,
  ) {}

  encode(typeUrl: string, resource: EnvoyObject, contentKey?: string): EncodedResource {
    const perObject = this.byObject.get(resource);
    const byIdentity = perObject?.get(typeUrl);
    if (byIdentity !== undefined) {
      // Not marked as used in the keyed LRU: moving it there for every proxy that shares the object
      // cost ~10 % of regeneration CPU. An entry evicted while its object is still shared costs one
      // more encode, the next time an equal object is built, and nothing else.
      this.hitCount++;
      return byIdentity;
    }
    const key = contentKey === undefined ? undefined : `${typeUrl}\n${contentKey}`;
    const byKey = key === undefined ? undefined : this.fromKey(key);
    if (byKey !== undefined) {
      this.hitCount++;
      this.remember(typeUrl, resource, byKey, perObject);
      return byKey;
    }
    this.missCount++;
    const any = encodeResource(typeUrl, resource);
    const encoded: EncodedResource = { any, hash: contentHash(any.value), resource };
    this.remember(typeUrl, resource, encoded, perObject);
    if (key !== undefined) this.storeKey(key, encoded);
    return encoded;
  }

  get stats(): { readonly hits: number; readonly misses: number; readonly keyed: number } {
    return { hits: this.hitCount, misses: this.missCount, keyed: this.byKey.size };
  }

  /** Encoded bytes held by the keyed entries. */
  get keyedBytes(): number {
    return this.bytes;
  }

  private remember(typeUrl: string, resource: EnvoyObject, encoded: EncodedResource, perObject: Map<string, EncodedResource> | undefined): void {
    if (perObject) perObject.set(typeUrl, encoded);
    else this.byObject.set(resource, new Map([[typeUrl, encoded]]));
  }

  private fromKey(key: string): EncodedResource | undefined {
    const found = this.byKey.get(key);
    if (found !== undefined) {
      this.byKey.delete(key);
      this.byKey.set(key, found);
    }
    return found;
  }

  private storeKey(key: string, encoded: EncodedResource): void {
    this.byKey.set(key, encoded);
    this.bytes += encoded.any.value.length;
    while (this.byKey.size > this.maxKeyed || this.bytes > this.maxKeyedBytes) {
      const oldest = this.byKey.entries().next();
      if (oldest.done) break;
      this.byKey.delete(oldest.value[0]);
      this.bytes -= oldest.value[1].any.value.length;
    }
  }
}

/** The process-wide memo snapshots use unless given another. */
export const sharedEncodingMemo = new EncodingMemo();
