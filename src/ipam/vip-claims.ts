/**
 * Who holds which VIP, read from resources' `status.vips`: pure. When two resources list the
 * same address (a restore from an old backup, a hand-written status), the older resource keeps
 * it and the newer is reported for a new one; the order is stable (creation time, then key), so
 * the answer does not flap between passes.
 */
import { keyString, type Resource } from '../core/resource.js';
import { canonicalIp } from './ip-range.js';

export interface Duplicate {
  readonly resource: Resource;
  /** Positions in the newer resource's `status.vips` that repeat an older resource's address. */
  readonly indexes: readonly number[];
  /** For each index: the older resource that keeps the address. */
  readonly keptBy: readonly Resource[];
}

export interface ClaimScan {
  /** Canonical address -> the resource holding it (only addresses the pool covers). */
  readonly owners: ReadonlyMap<string, Resource>;
  readonly duplicates: readonly Duplicate[];
  /** Resources with an empty (or absent) `status.vips`, oldest first. */
  readonly withoutVips: readonly Resource[];
}

/** Identity of one life of a resource: a delete and re-create under the same name is another owner. */
export function ownerIdOf(r: Resource): string {
  return `${keyString(r)}@${r.creationTime}`;
}

/** `status.vips[].ip` as stored (non-strings become ''). */
export function vipsOf(r: Resource): string[] {
  const vips = (r.status as { vips?: unknown } | undefined)?.vips;
  if (!Array.isArray(vips)) return [];
  return vips.map((v: unknown) => {
    const ip = (v as { ip?: unknown } | null)?.ip;
    return typeof ip === 'string' ? ip : '';
  });
}

export function oldestFirst(a: Resource, b: Resource): number {
  if (a.creationTime !== b.creationTime) return a.creationTime < b.creationTime ? -1 : 1;
  const ka = keyString(a);
  const kb = keyString(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function scanClaims(resources: readonly Resource[], covers: (ip: string) => boolean): ClaimScan {
  const owners = new Map<string, Resource>();
  const duplicates: Duplicate[] = [];
  const withoutVips: Resource[] = [];
  for (const r of [...resources].sort(oldestFirst)) {
    const vips = vipsOf(r);
    if (vips.length === 0) withoutVips.push(r);
    const indexes: number[] = [];
    const keptBy: Resource[] = [];
    vips.forEach((raw, i) => {
      const ip = canonicalIp(raw);
      if (!ip || !covers(ip)) return;
      const prior = owners.get(ip);
      if (prior && ownerIdOf(prior) !== ownerIdOf(r)) {
        indexes.push(i);
        keptBy.push(prior);
      } else owners.set(ip, r);
    });
    if (indexes.length > 0) duplicates.push({ resource: r, indexes, keptBy });
  }
  return { owners, duplicates, withoutVips };
}
