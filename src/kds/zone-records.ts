/**
 * What global keeps about each zone: the `Zone` resource (created the first time the zone
 * connects, never changed by the sync afterwards, so an operator's `enabled: false` sticks) and an
 * internal `ZoneInsight` record (not a kind: no REST path, never synced) with online/offline,
 * connect and disconnect times and the last full syncs. Insight writes compare first and happen
 * only on connect, disconnect and full syncs, never per change (no write amplification).
 */
import { isDeepStrictEqual } from 'node:util';
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import type { NewResource, Resource } from '../core/resource.js';
import { isZoneEnabled, type ZoneSpec } from '../resources/zone/types.js';
import type { ResourceStore } from '../store/store.js';

export const ZONE_TYPE = 'Zone';
export const ZONE_INSIGHT_TYPE = 'ZoneInsight';

export interface ZoneInsightSpec {
  readonly online: boolean;
  /** The zone control plane's instance id, from its hello. */
  readonly instance?: string;
  readonly connectTime?: string;
  readonly disconnectTime?: string;
  /** When global last applied a full sync from the zone. */
  readonly lastFullSyncFromZone?: string;
  /** When global last sent the zone a full sync. */
  readonly lastFullSyncToZone?: string;
  /** Why the last stream ended. */
  readonly disconnectReason?: string;
  /** The zone said in its last hello that it runs on a flat network. */
  readonly flatNetwork?: boolean;
}

/** The Zone resource global creates for a zone that connects for the first time. */
export function zoneResource(name: string): NewResource<ZoneSpec> {
  return { type: ZONE_TYPE, mesh: '', name, labels: {}, spec: { enabled: true } };
}

/** Creates the Zone resource if it does not exist; leaves an existing one alone. */
export async function ensureZone(store: ResourceStore, name: string): Promise<Resource> {
  const existing = await store.get({ type: ZONE_TYPE, mesh: '', name });
  if (existing) return existing;
  try {
    return await store.create(zoneResource(name));
  } catch (err) {
    if (!(err instanceof ResourceAlreadyExistsError)) throw err;
    const now = await store.get({ type: ZONE_TYPE, mesh: '', name });
    if (!now) throw err;
    return now;
  }
}

export function zoneEnabled(zone: Resource | undefined): boolean {
  return zone === undefined || isZoneEnabled(zone.spec as ZoneSpec);
}

export async function readInsight(store: ResourceStore, zone: string): Promise<ZoneInsightSpec | undefined> {
  return (await store.get({ type: ZONE_INSIGHT_TYPE, mesh: '', name: zone }))?.spec as ZoneInsightSpec | undefined;
}

/** Applies `change` to the zone's insight (creating it), writing only when something differs. */
export async function updateInsight(
  store: ResourceStore,
  zone: string,
  change: (current: ZoneInsightSpec | undefined) => ZoneInsightSpec,
): Promise<void> {
  const key = { type: ZONE_INSIGHT_TYPE, mesh: '', name: zone };
  for (let attempt = 1; ; attempt++) {
    const stored = await store.get(key);
    const next = dropUndefined(change(stored?.spec as ZoneInsightSpec | undefined));
    if (stored && isDeepStrictEqual(stored.spec, next)) return;
    try {
      if (stored) await store.update({ ...key, labels: stored.labels, spec: next, version: stored.version });
      else await store.create({ ...key, labels: {}, spec: next });
      return;
    } catch (err) {
      const lostRace = err instanceof ResourceConflictError || err instanceof ResourceAlreadyExistsError || err instanceof ResourceNotFoundError;
      if (!lostRace || attempt >= 3) throw err;
    }
  }
}

/** At global start-up no stream is open yet: every zone recorded online is offline until it reconnects. */
export async function markAllOffline(store: ResourceStore, now: string): Promise<void> {
  const { items } = await store.list({ type: ZONE_INSIGHT_TYPE });
  for (const r of items) {
    if ((r.spec as ZoneInsightSpec).online) await updateInsight(store, r.name, (cur) => ({ ...cur, online: false, disconnectTime: now }));
  }
}

function dropUndefined(spec: ZoneInsightSpec): ZoneInsightSpec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as ZoneInsightSpec;
}
