/**
 * Keeps every MeshMultiZoneService's `status.meshServices` and MeshServicesMatched condition
 * current in this zone (semantics 6.3), event-driven. Only those two fields are written.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Registry, Summary } from 'prom-client';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyString, type Resource } from '../core/resource.js';
import { applyMeshMultiZoneServiceStatus, type ComputedMeshMultiZoneServiceStatus, computeMeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/status.js';
import { MESH_SERVICES_MATCHED, type MeshMultiZoneServiceSpec, type MeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import type { ResourceCache } from './resource-cache.js';

export const MESH_MULTI_ZONE_SERVICE_STATUS_KINDS: readonly string[] = ['MeshService', 'MeshMultiZoneService'];
const ATTEMPTS = 5;

type Mmzs = Resource<MeshMultiZoneServiceSpec, MeshMultiZoneServiceStatus>;

export class MeshMultiZoneServiceStatusController implements Controller {
  readonly name = 'meshmultizoneservice-status';
  private readonly pass: Summary;

  constructor(
    private readonly deps: {
      readonly cache: ResourceCache;
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

  /** MeshServices matter when they come, go or change labels; MMZS when selector or our fields change. */
  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    if (r.type !== 'MeshService' && r.type !== 'MeshMultiZoneService') return false;
    if (e.op !== 'update' || !e.previous) return true;
    if (r.type === 'MeshService') return !isDeepStrictEqual(e.previous.labels, r.labels);
    return !isDeepStrictEqual(relevant(e.previous as Mmzs), relevant(r as Mmzs));
  }

  async reconcile(): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    for (const m of cache.list('MeshMultiZoneService') as Mmzs[]) {
      const computed = computeMeshMultiZoneServiceStatus(m, cache.list('MeshService', m.mesh));
      if (applyMeshMultiZoneServiceStatus(m.status, computed)) await this.write(m, computed);
    }
    this.pass.observe(performance.now() - started);
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
