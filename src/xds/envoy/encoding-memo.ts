/**
 * Encoding and content hashing with a memo, so identical resources shared by many proxies' snapshots
 * are encoded once. A resource is found again by object identity (the same object handed in twice)
 * or by a content key the caller provides (equal keys promise equal content, e.g. a hash of the
 * inputs the resource was built from). Resources must not be mutated after they were encoded.
 */
import { createHash } from 'node:crypto';
import { encodeResource, type EncodedAny, type EnvoyObject } from './encode.js';

export interface EncodedResource {
  readonly any: EncodedAny;
  /** Content hash of the encoded bytes: equal hash, equal resource. */
  readonly hash: string;
}

export function contentHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 16);
}

export class EncodingMemo {
  private readonly byObject = new WeakMap<object, Map<string, EncodedResource>>();
  private readonly byKey = new Map<string, EncodedResource>();
  private hitCount = 0;
  private missCount = 0;

  /** @param maxKeyed how many content-keyed entries to keep (least recently used are dropped). */
  constructor(private readonly maxKeyed = 100_000) {}

  encode(typeUrl: string, resource: EnvoyObject, contentKey?: string): EncodedResource {
    const perObject = this.byObject.get(resource);
    const known = perObject?.get(typeUrl) ?? (contentKey === undefined ? undefined : this.fromKey(`${typeUrl}\n${contentKey}`));
    if (known !== undefined) {
      this.hitCount++;
      this.remember(typeUrl, resource, known, perObject);
      return known;
    }
    this.missCount++;
    const any = encodeResource(typeUrl, resource);
    const encoded: EncodedResource = { any, hash: contentHash(any.value) };
    this.remember(typeUrl, resource, encoded, perObject);
    if (contentKey !== undefined) this.storeKey(`${typeUrl}\n${contentKey}`, encoded);
    return encoded;
  }

  get stats(): { readonly hits: number; readonly misses: number; readonly keyed: number } {
    return { hits: this.hitCount, misses: this.missCount, keyed: this.byKey.size };
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
    if (this.byKey.size <= this.maxKeyed) return;
    const oldest = this.byKey.keys().next();
    if (!oldest.done) this.byKey.delete(oldest.value);
  }
}

/** The process-wide memo snapshots use unless given another. */
export const sharedEncodingMemo = new EncodingMemo();
