/**
 * Keeps every MeshMultiZoneService's `status.meshServices` and MeshServicesMatched condition
 * current in this zone (semantics 6.3), event-driven. Only those two fields are written.
 *
 * After the first pass only the MMZSs a change can affect are re-decided: a MeshService change
 * re-decides the MMZSs whose selector matches it before or after the change (found through
 * MultiZoneSelectorIndex), an MMZS change only that MMZS, and each looks only at the MeshServices
 * its selector can match. Neither lists the mesh's MeshServices or MMZSs.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Registry, Summary } from 'prom-client';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyOf, keyString, type Resource, type ResourceKey } from '../core/resource.js';
import { applyMeshMultiZoneServiceStatus, type ComputedMeshMultiZoneServiceStatus, computeMeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/status.js';
import { MESH_SERVICES_MATCHED, type MeshMultiZoneServiceSpec, type MeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import { MultiZoneSelectorIndex } from './multizone-selector-index.js';
import type { ResourceCache } from './resource-cache.js';

export const MESH_MULTI_ZONE_SERVICE_STATUS_KINDS: readonly string[] = ['MeshService', 'MeshMultiZoneService'];
const ATTEMPTS = 5;

type Mmzs = Resource<MeshMultiZoneServiceSpec, MeshMultiZoneServiceStatus>;

export class MeshMultiZoneServiceStatusController implements Controller {
  readonly name = 'meshmultizoneservice-status';
  private readonly pass: Summary;
  /** Built on the first pass from the cache, then kept current from change events. */
  private index: MultiZoneSelectorIndex | undefined;
  /** Keys of MMZSs to re-decide on the next pass. */
  private readonly dirty = new Map<string, ResourceKey>();

  constructor(
    private readonly deps: {
      readonly cache: Pick<ResourceCache, 'list' | 'get'>;
      readonly store: ResourceStore;
      readonly logger: Logger;
      readonly metrics?: Registry;
    },
  ) {
    const name = 'component_mzms_status_updater';
    this.pass =
      (deps.metrics?.getSingleMetric(name) as Summary | undefined) ??
      new Summary({ name, help: 'Duration in milliseconds of one MeshMultiZoneService status pass', registers: deps.metrics ? [deps.metrics] : [] });
  }

  /**
   * MeshServices matter when they come, go or change labels, and then only to the MMZSs selecting
   * them; an MMZS when it comes or its selector or our fields change. Keeps the index current.
   */
  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    if (r.type !== 'MeshService' && r.type !== 'MeshMultiZoneService') return false;
    const index = this.index;
    if (r.type === 'MeshService') {
      if (index === undefined) return true;
      if (e.op === 'delete') index.removeService(r);
      else index.putService(r);
      if (e.op === 'update' && e.previous && isDeepStrictEqual(e.previous.labels, r.labels)) return false;
      for (const ms of e.previous ? [e.previous, r] : [r]) for (const k of index.selecting(ms)) this.mark(k);
      return true;
    }
    if (e.op === 'delete') {
      index?.removeMultiZone(r);
      return index === undefined;
    }
    index?.putMultiZone(r as Mmzs);
    if (e.op === 'update' && e.previous && isDeepStrictEqual(relevant(e.previous as Mmzs), relevant(r as Mmzs))) return false;
    this.mark(r);
    return true;
  }

  private mark(k: ResourceKey): void {
    this.dirty.set(keyString(k), keyOf(k));
  }

  async reconcile(): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    let todo: ResourceKey[];
    if (this.index === undefined) {
      const index = new MultiZoneSelectorIndex();
      for (const ms of cache.list('MeshService')) index.putService(ms);
      const all = cache.list('MeshMultiZoneService');
      for (const m of all) index.putMultiZone(m as Mmzs);
      this.index = index;
      this.dirty.clear();
      todo = all.map(keyOf);
    } else {
      todo = [...this.dirty.values()];
      this.dirty.clear();
    }
    let i = 0;
    try {
      for (; i < todo.length; i++) {
        // The latest version: an earlier write of this pass may have changed it.
        const m = cache.get(todo[i] as ResourceKey) as Mmzs | undefined;
        if (!m) continue;
        const computed = computeMeshMultiZoneServiceStatus(m, this.index.selectedBy(m));
        if (applyMeshMultiZoneServiceStatus(m.status, computed)) await this.write(m, computed);
      }
    } catch (err) {
      // What was not finished is re-decided on the retry the runner schedules.
      for (; i < todo.length; i++) this.mark(todo[i] as ResourceKey);
      throw err;
    } finally {
      this.pass.observe(performance.now() - started);
    }
    return {};
  }

  private async write(cached: Mmzs, computed: ComputedMeshMultiZoneServiceStatus): Promise<void> {
    let current: Mmzs | undefined = cached;
    for (let i = 0; current && i < ATTEMPTS; i++) {
      const status = applyMeshMultiZoneServiceStatus(current.status, computed);
      if (!status) return;
      try {
        await this.deps.store.update({ type: current.type, mesh: current.mesh, name: current.name, labels: current.labels, spec: current.spec, status, version: current.version });
        return;
      } catch (err) {
        if (err instanceof ResourceNotFoundError) return;
        if (!(err instanceof ResourceConflictError)) throw err;
        current = (await this.deps.store.get(current)) as Mmzs | undefined;
      }
    }
    this.deps.logger.warn({ resource: keyString(cached) }, 'MeshMultiZoneService status not written: the resource kept changing; the next change retries');
  }
}

function relevant(m: Mmzs): unknown {
  return [m.spec?.selector, m.status?.meshServices, m.status?.conditions?.find((c) => c.type === MESH_SERVICES_MATCHED)];
}
