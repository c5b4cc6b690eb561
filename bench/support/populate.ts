/**
 * Fills a bench zone with a synthetic mesh in one burst and waits, on cache events, until
 * generation is done: every MeshService has a VIP and a hostname, the legacy VIP record holds
 * every service, and the controllers are idle. For scenarios that measure what comes after.
 */
import type { Resource } from '../../src/core/resource.js';
import type { MeshServiceStatus } from '../../src/resources/mesh-service/types.js';
import { waitUntil } from './measure.js';
import { meshResource, type SyntheticMesh, syntheticMesh } from './synthetic-mesh.js';
import type { BenchZone } from './zone-control-plane.js';
import { LEGACY_VIP_TYPE, legacyVipsOf, readLegacyVip } from '../../src/ipam/legacy-vip-records.js';

export type MeshMode = 'Everywhere' | 'Exclusive' | 'ReachableBackends';

export const hasVipAndHostname = (r: Resource | undefined): boolean => {
  const status = r?.status as MeshServiceStatus | undefined;
  return (status?.vips?.length ?? 0) > 0 && (status?.addresses?.length ?? 0) > 0;
};

export interface PopulateOptions {
  readonly services: number;
  readonly dataplanes: number;
  readonly mode: MeshMode;
  /** MeshServices each Dataplane lists in reachableBackends (absent: all). */
  readonly reach?: number;
  readonly timeoutMs?: number;
}

export async function populate(zone: BenchZone, options: PopulateOptions): Promise<SyntheticMesh> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const { cache, runner } = zone.controllers;
  const current = await zone.store.get({ type: 'Mesh', mesh: '', name: 'default' });
  const wanted = meshResource('default', options.mode);
  if (current) await zone.store.update({ ...wanted, version: current.version });
  else await zone.store.create(wanted);
  const mesh = syntheticMesh({
    services: options.services,
    dataplanes: options.dataplanes,
    maxPerService: Math.max(10, Math.ceil(options.dataplanes / options.services)),
    ...(options.reach !== undefined ? { reach: options.reach } : {}),
  });
  const pending = new Set(mesh.services.map((s) => s.name));
  // One LegacyVip record per service (named by its address) once its VIP is allocated.
  const allocated = legacyVipsOf(cache, 'default');
  const legacyPending = new Set(mesh.services.map((s) => s.name).filter((name) => !allocated.has(name)));
  const done = waitUntil(
    (l) =>
      cache.onChange((e) => {
        if (e.resource.type === 'MeshService' && e.op !== 'delete' && hasVipAndHostname(e.resource)) pending.delete(e.resource.name);
        if (e.resource.type === LEGACY_VIP_TYPE && e.op !== 'delete') {
          const inUse = readLegacyVip(e.resource.spec);
          if (inUse !== undefined) legacyPending.delete(inUse[0]);
        }
        l();
      }),
    () => pending.size === 0 && legacyPending.size === 0,
    timeoutMs,
    'generation to finish',
  );
  for (const dp of mesh.dataplanes) await zone.store.create(dp);
  await done;
  await runner.settle();
  return mesh;
}
