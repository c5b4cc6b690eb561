/**
 * The legacy VIP allocator's store I/O: reading a mesh's LegacyVip records (and an old per-mesh
 * LegacyVips record) from the store itself, and bringing the records of the services a pass
 * touched in line with its LegacyVipBook. Kept apart from the controller's decisions.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import type { Resource } from '../core/resource.js';
import type { LegacyVipBook } from '../ipam/legacy-vip-book.js';
import { LEGACY_VIP_TYPE, type LegacyVipSpec, legacyVipKey, legacyVipRecordsOf, legacyVipSince, readLegacyVipRecord } from '../ipam/legacy-vip-records.js';
import { LEGACY_VIPS_TYPE, readLegacyVipsSpec } from '../ipam/legacy-vips.js';
import type { ResourceStore } from '../store/store.js';

export interface StoreDeps {
  readonly store: ResourceStore;
  readonly logger: Logger;
}

/** One pass's writes for one mesh. */
export interface RecordsWrite {
  readonly mesh: string;
  readonly book: LegacyVipBook;
  readonly touched: Iterable<string>;
  /** The mesh's records as known. */
  readonly records: readonly Resource[];
  /** Unreadable records, a service's second record: deleted. */
  readonly strays: readonly Resource[];
  /** The old per-mesh record, deleted once converted. */
  readonly old: Resource | undefined;
  readonly now: Date;
}

/** A mesh's LegacyVip records and old per-mesh record as the store has them now; undefined when it cannot be read. */
export async function readLegacyVipStore(deps: StoreDeps, mesh: string): Promise<{ records: Resource[]; old: Resource | undefined } | undefined> {
  const { store, logger } = deps;
  try {
    const records: Resource[] = [];
    for (let offset: number | undefined = 0; offset !== undefined; ) {
      const page = await store.list({ type: LEGACY_VIP_TYPE, mesh, offset });
      records.push(...page.items);
      offset = page.nextOffset;
    }
    return { records, old: await store.get({ type: LEGACY_VIPS_TYPE, mesh, name: mesh }) };
  } catch (err) {
    logger.error({ err, mesh }, 'could not read the legacy VIPs of a mesh; retrying shortly');
    return undefined;
  }
}

/**
 * Brings the records of each touched service in line with the book: first deletes its records at
 * other addresses (and `strays`: unreadable records, a service's second record), then creates or
 * updates the one it should have, then deletes `old` (the per-mesh record, once converted).
 * `records` are the mesh's records as known. A record's `since` carries over from the service's
 * earlier record, else the old record's creationTime, else now. False when a write failed: a
 * create refused means another instance holds the address.
 */
export async function writeLegacyVipRecords(deps: StoreDeps, write: RecordsWrite): Promise<boolean> {
  const { mesh, book, touched, records, strays, old, now } = write;
  const { store, logger } = deps;
  const wanted = new Map<string, LegacyVipSpec | undefined>();
  for (const service of touched) wanted.set(service, book.recordOf(service));
  const since = new Map<string, string>();
  if (old !== undefined) for (const service of legacyVipRecordsOf(readLegacyVipsSpec(old.spec)).keys()) since.set(service, old.creationTime);
  for (const r of records) {
    const service = readLegacyVipRecord(r.spec)?.service;
    if (service === undefined || !wanted.has(service)) continue;
    const [t, had] = [legacyVipSince(r), since.get(service)];
    if (had === undefined || t < had) since.set(service, t);
  }
  for (const [service, want] of wanted) if (want !== undefined) wanted.set(service, { ...want, since: since.get(service) ?? now.toISOString() });
  const have = new Map<string, Resource>();
  try {
    for (const r of strays) await store.delete(r, { version: r.version });
    const gone = new Set(strays.map((r) => r.name));
    for (const r of records) {
      const service = readLegacyVipRecord(r.spec)?.service;
      if (service === undefined || !wanted.has(service) || gone.has(r.name)) continue;
      if (wanted.get(service)?.vip === r.name) have.set(service, r);
      else await store.delete(r, { version: r.version });
    }
    for (const [service, want] of wanted) {
      if (want === undefined) continue;
      const current = have.get(service);
      if (current === undefined) await store.create({ ...legacyVipKey(mesh, want.vip), labels: {}, spec: want });
      else if (!isDeepStrictEqual(current.spec, want)) await store.update({ ...legacyVipKey(mesh, want.vip), labels: current.labels, spec: want, version: current.version });
    }
    if (old !== undefined) await store.delete(old, { version: old.version });
    return true;
  } catch (err) {
    if (!(err instanceof ResourceConflictError || err instanceof ResourceNotFoundError || err instanceof ResourceAlreadyExistsError)) {
      logger.error({ err, mesh }, 'could not store the legacy VIPs of a mesh; retrying shortly (is LegacyVip in the cache?)');
    }
    return false;
  }
}
