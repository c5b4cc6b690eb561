/**
 * A global control plane and zones in one process, with real gRPC on 127.0.0.1 and real memory
 * stores, for the KDS tests. Waiting is always on an event with a deadline (a store write, a KDS
 * event), never a sleep; set the wait up before the action that causes it.
 */
import { pino } from 'pino';
import type { AdmissionContext } from '../../src/core/admission.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Resource } from '../../src/core/resource.js';
import { parseDocument } from '../../src/core/wire.js';
import { startKdsGlobal, type KdsGlobalHandle } from '../../src/kds/global-server.js';
import type { KdsEvent } from '../../src/kds/kds-events.js';
import { startKdsZone, type KdsZoneHandle } from '../../src/kds/zone-client.js';
import { ResourceManager } from '../../src/manager/resource-manager.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { ResourceStore, StoreEvent } from '../../src/store/store.js';

export const DEADLINE_MS = 5_000;
export const TEST_BACKOFF = { initialMs: 20, maxMs: 200, multiplier: 2, jitter: 0 };
export const logger = pino({ level: process.env.KDS_TEST_LOG ?? 'silent' });

/** Types the sync machinery itself writes on global (not synced resources). */
const BOOKKEEPING = new Set(['Zone', 'ZoneInsight']);

export interface ControlPlane {
  readonly store: MemoryStore;
  readonly manager: ResourceManager;
}

export function controlPlane(admission: AdmissionContext, clock: ManualClock): ControlPlane {
  const store = new MemoryStore({ clock });
  return { store, manager: new ResourceManager({ store, admission }) };
}

/** Applies a document through the real write path (admission, computed labels). */
export async function apply(cp: ControlPlane, raw: Record<string, unknown>): Promise<Resource> {
  const parsed = parseDocument(raw);
  if (!parsed.ok) throw new Error(`test document does not parse: ${JSON.stringify(parsed.violations)}`);
  return (await cp.manager.apply(parsed.doc)).resource;
}

export function startGlobal(store: ResourceStore, clock: ManualClock, port = 0): Promise<KdsGlobalHandle> {
  return startKdsGlobal({ store, logger, host: '127.0.0.1', port, clock });
}

export function startZone(zone: string, store: ResourceStore, address: string, clock: ManualClock): Promise<KdsZoneHandle> {
  return startKdsZone({ store, logger, zone, globalAddress: `grpc://${address}`, clock, backoff: TEST_BACKOFF });
}

/** Resolves with the first event `predicate` accepts; rejects at the deadline naming `what`. */
export function waitForKds(source: { onEvent(l: (e: KdsEvent) => void): () => void }, predicate: (e: KdsEvent) => boolean, what: string, deadlineMs = DEADLINE_MS): Promise<KdsEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no KDS event within ${deadlineMs} ms: ${what}`));
    }, deadlineMs);
    const off = source.onEvent((e) => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Resolves with the first store write `predicate` accepts. */
export function waitForWrite(store: ResourceStore, predicate: (e: StoreEvent) => boolean, what: string, deadlineMs = DEADLINE_MS): Promise<StoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no store write within ${deadlineMs} ms: ${what}`));
    }, deadlineMs);
    const off = store.watch((e) => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Counts writes of synced resources (not the Zone/ZoneInsight bookkeeping, not `ignore`) until stopped. */
export function countSyncWrites(store: ResourceStore, ignore: (e: StoreEvent) => boolean = () => false): { readonly events: StoreEvent[]; stop(): void } {
  const events: StoreEvent[] = [];
  const stop = store.watch((e) => {
    if (!BOOKKEEPING.has(e.resource.type) && !ignore(e)) events.push(e);
  });
  return { events, stop };
}

/** Resolves once the zone has lost its stream and then applied a new full sync from global. */
export function waitForResync(zone: KdsZoneHandle, deadlineMs = DEADLINE_MS): Promise<void> {
  let disconnected = false;
  return waitForKds(
    zone,
    (e) => {
      if (e.type === 'disconnected') disconnected = true;
      return disconnected && e.type === 'full-sync-applied';
    },
    `${zone.zone} resyncs after losing its stream`,
    deadlineMs,
  ).then(() => undefined);
}

export const isFullSyncApplied = (zone: string) => (e: KdsEvent): boolean => e.type === 'full-sync-applied' && e.zone === zone;

export const named = (type: string, name: string) => (e: StoreEvent): boolean => e.resource.type === type && e.resource.name === name;

export async function names(store: ResourceStore, type: string): Promise<string[]> {
  return (await store.list({ type })).items.map((r) => r.name);
}

/** Global plus zones east and west, each with a default mesh, both zones joined and fully synced. */
export class Multizone {
  readonly zones = new Map<string, KdsZoneHandle>();

  private constructor(
    readonly clock: ManualClock,
    readonly global: ControlPlane,
    readonly east: ControlPlane,
    readonly west: ControlPlane,
    public kds: KdsGlobalHandle,
  ) {}

  static async start(): Promise<Multizone> {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const global = controlPlane({ mode: 'global', zone: '', environment: 'universal' }, clock);
    const east = controlPlane({ mode: 'zone', zone: 'east', environment: 'universal' }, clock);
    const west = controlPlane({ mode: 'zone', zone: 'west', environment: 'universal' }, clock);
    for (const cp of [global, east, west]) await cp.manager.ensureDefaultMesh();
    const world = new Multizone(clock, global, east, west, await startGlobal(global.store, clock));
    await world.join('east');
    await world.join('west');
    return world;
  }

  zone(name: 'east' | 'west'): ControlPlane {
    return name === 'east' ? this.east : this.west;
  }

  /** Starts the zone's client and resolves once it and global have applied each other's full sync. */
  async join(name: 'east' | 'west'): Promise<KdsZoneHandle> {
    const globalApplied = waitForKds(this.kds, isFullSyncApplied(name), `global applies ${name}'s full sync`);
    const handle = await startZone(name, this.zone(name).store, this.kds.address, this.clock);
    await Promise.all([waitForKds(handle, isFullSyncApplied(name), `${name} applies global's full sync`), globalApplied]);
    this.zones.set(name, handle);
    return handle;
  }

  /**
   * Creates a MeshService in `zone` through the real write path, gives it `status` (as that zone's
   * VIP allocator would), and resolves once global holds it with that status and the other zone
   * holds its copy, both under `syncedName`.
   */
  async createService(zone: 'east' | 'west', doc: Record<string, unknown>, syncedName: string, status: unknown): Promise<void> {
    const other = zone === 'east' ? this.west : this.east;
    const onGlobal = waitForWrite(this.global.store, (e) => named('MeshService', syncedName)(e) && e.resource.status !== undefined, `${syncedName} with status on global`);
    const inOther = waitForWrite(other.store, named('MeshService', syncedName), `${syncedName} in the other zone`);
    const created = await apply(this.zone(zone), doc);
    await this.zone(zone).store.update({ ...created, status, version: created.version });
    await Promise.all([onGlobal, inOther]);
  }

  /** Everything global sent the zone before this call has been applied once it resolves (one ordered stream). */
  async barrier(zone: 'east' | 'west', mesh: string): Promise<void> {
    const arrived = waitForWrite(this.zone(zone).store, named('Mesh', mesh), `barrier mesh ${mesh} in ${zone}`);
    await apply(this.global, { type: 'Mesh', name: mesh });
    await arrived;
  }

  async stop(): Promise<void> {
    for (const z of this.zones.values()) await z.close();
    await this.kds.close();
  }
}
