/**
 * Keeps the status of every local MeshService current (semantics 8.1), event-driven: proxy
 * counts, `spec.state` and the PortsMatched condition. Synced MeshServices keep what their own
 * zone computed. Connected counts come from `connectedProxies()` (xDS node ids `<mesh>.<name>`);
 * without it every proxy counts as disconnected.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Registry, Summary } from 'prom-client';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyString, type Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import { isLocal, type MeshServiceResource } from '../resources/mesh-service/generate.js';
import { DataplaneIndex } from '../resources/mesh-service/selection.js';
import { applyMeshServiceStatus, type ComputedMeshServiceStatus, computeMeshServiceStatus, PORTS_MATCHED } from '../resources/mesh-service/status.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import type { ResourceCache } from './resource-cache.js';

export const MESH_SERVICE_STATUS_KINDS: readonly string[] = ['Mesh', 'Dataplane', 'MeshService'];
const ATTEMPTS = 5;

export class MeshServiceStatusController implements Controller {
  readonly name = 'meshservice-status';
  private readonly pass: Summary;

  constructor(
    private readonly deps: {
      readonly cache: ResourceCache;
      readonly store: ResourceStore;
      readonly logger: Logger;
      /** xDS node ids (`<mesh>.<dataplane name>`) of the proxies connected now. */
      readonly connectedProxies?: () => ReadonlySet<string>;
      /** Recount this often even without store changes (connections change outside the store). */
      readonly refreshMs?: number;
      readonly metrics?: Registry;
    },
  ) {
    const name = 'component_ms_status_updater';
    this.pass =
      (deps.metrics?.getSingleMetric(name) as Summary | undefined) ??
      new Summary({ name, help: 'Duration in milliseconds of one MeshService status pass', registers: deps.metrics ? [deps.metrics] : [] });
  }

  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    if (r.type === 'Dataplane' || r.type === 'Mesh') return true;
    if (r.type !== 'MeshService') return false;
    if (e.op !== 'update' || !e.previous) return true;
    return !isDeepStrictEqual(inputsAndOutputs(e.previous), inputsAndOutputs(r));
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    const dataplanes = cache.list('Dataplane') as Resource<DataplaneSpec>[];
    const index = new DataplaneIndex(dataplanes);
    const connected = this.deps.connectedProxies?.() ?? new Set<string>();
    const connectedByMesh = new Map<string, Set<string>>();
    for (const dp of dataplanes) {
      if (!connected.has(`${dp.mesh}.${dp.name}`)) continue;
      const names = connectedByMesh.get(dp.mesh) ?? new Set<string>();
      names.add(dp.name);
      connectedByMesh.set(dp.mesh, names);
    }
    const meshes = new Set(cache.list('Mesh').map((m) => m.name));
    for (const ms of cache.list('MeshService') as MeshServiceResource[]) {
      if (!isLocal(ms) || !meshes.has(ms.mesh)) continue;
      const computed = computeMeshServiceStatus(ms, index.select(ms), connectedByMesh.get(ms.mesh) ?? new Set());
      if (applyMeshServiceStatus(ms, computed)) await this.write(ms, computed);
    }
    this.pass.observe(performance.now() - started);
    return this.deps.refreshMs ? { nextRunAt: new Date(now.getTime() + this.deps.refreshMs) } : {};
  }

  /** Puts our fields onto the latest version; on a conflict re-reads and tries again. */
  private async write(cached: MeshServiceResource, computed: ComputedMeshServiceStatus): Promise<void> {
    let current: MeshServiceResource | undefined = cached;
    for (let i = 0; current && i < ATTEMPTS; i++) {
      const next = applyMeshServiceStatus(current, computed);
      if (!next) return;
      try {
        await this.deps.store.update({ type: current.type, mesh: current.mesh, name: current.name, labels: current.labels, ...next, version: current.version });
        return;
      } catch (err) {
        if (err instanceof ResourceNotFoundError) return;
        if (!(err instanceof ResourceConflictError)) throw err;
        current = (await this.deps.store.get(current)) as MeshServiceResource | undefined;
      }
    }
    this.deps.logger.warn({ resource: keyString(cached) }, 'MeshService status not written: the resource kept changing; the next change retries');
  }
}

/** What the status depends on (selector, ports, origin) and what it writes. */
function inputsAndOutputs(r: Resource): unknown {
  const ms = r as MeshServiceResource;
  return [
    ms.spec?.selector,
    ms.spec?.ports,
    ms.spec?.state,
    ms.labels[`kuma.io/origin`],
    ms.status?.dataplaneProxies,
    ms.status?.conditions?.find((c) => c.type === PORTS_MATCHED),
  ];
}
