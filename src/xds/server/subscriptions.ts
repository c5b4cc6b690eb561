/**
 * Which resources of one type a stream is subscribed to, with the xDS wildcard rules.
 *
 * State of the world: an empty resource_names in the FIRST request for a type that allows it (LDS,
 * CDS) is a wildcard, and it stays one while the client keeps sending empty lists (Envoy ACKs a
 * wildcard that way). Once the client names resources, the list is the subscription, and a later
 * empty list means "nothing" (grpc-js-xds unsubscribes that way), never a wildcard. `*` in the list
 * is an explicit wildcard.
 *
 * Delta: an empty subscribe list in the first request is a wildcard (for LDS/CDS) that lasts until
 * the client unsubscribes `*`; names are added and removed one by one; `*` subscribes to all.
 */
import type { SnapshotEntry } from '../snapshot.js';

const WILDCARD = '*';

export interface Subscription {
  readonly wildcard: boolean;
  /** Whether `name` is in scope (always, for a wildcard). */
  includes(name: string): boolean;
  /** The names subscribed explicitly. */
  readonly names: ReadonlySet<string>;
}

export class SotwSubscription implements Subscription {
  private legacyWildcard: boolean;
  private explicitWildcard = false;
  private subscribed = new Set<string>();

  constructor(firstNames: readonly string[], wildcardAllowed: boolean) {
    this.legacyWildcard = firstNames.length === 0 && wildcardAllowed;
    this.replace(firstNames);
  }

  /** Applies the names of a later request; returns whether the subscription changed. */
  replace(names: readonly string[]): boolean {
    if (this.legacyWildcard) {
      if (names.length === 0) return false;
      this.legacyWildcard = false;
      this.explicitWildcard = names.includes(WILDCARD);
      this.subscribed = new Set(names.filter((n) => n !== WILDCARD));
      return true;
    }
    const next = new Set(names.filter((n) => n !== WILDCARD));
    const wildcard = names.includes(WILDCARD);
    const changed = wildcard !== this.explicitWildcard || next.size !== this.subscribed.size || [...next].some((n) => !this.subscribed.has(n));
    this.explicitWildcard = wildcard;
    this.subscribed = next;
    return changed;
  }

  get wildcard(): boolean {
    return this.legacyWildcard || this.explicitWildcard;
  }

  get names(): ReadonlySet<string> {
    return this.subscribed;
  }

  includes(name: string): boolean {
    return this.wildcard || this.subscribed.has(name);
  }
}

export class DeltaSubscription implements Subscription {
  private wildcardOn: boolean;
  private readonly subscribed = new Set<string>();

  constructor(subscribe: readonly string[], unsubscribe: readonly string[], wildcardAllowed: boolean) {
    this.wildcardOn = subscribe.length === 0 && wildcardAllowed;
    this.update(subscribe, unsubscribe);
  }

  /** Applies one request's subscribe and unsubscribe lists. */
  update(subscribe: readonly string[], unsubscribe: readonly string[]): void {
    for (const name of subscribe) {
      if (name === WILDCARD) this.wildcardOn = true;
      else this.subscribed.add(name);
    }
    for (const name of unsubscribe) {
      if (name === WILDCARD) this.wildcardOn = false;
      else this.subscribed.delete(name);
    }
  }

  get wildcard(): boolean {
    return this.wildcardOn;
  }

  get names(): ReadonlySet<string> {
    return this.subscribed;
  }

  includes(name: string): boolean {
    return this.wildcardOn || this.subscribed.has(name);
  }
}

/** The entries of a type that a subscription covers: all for a wildcard, else the subscribed names present. */
export function entriesInScope(sub: Subscription, entries: ReadonlyMap<string, SnapshotEntry>): SnapshotEntry[] {
  return sub.wildcard ? [...entries.values()] : [...sub.names].flatMap((n) => entries.get(n) ?? []);
}
