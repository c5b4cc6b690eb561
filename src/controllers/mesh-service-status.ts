/**
 * Keeps the status of every local MeshService current (semantics 8.1), event-driven: proxy
 * counts, `spec.state` and the PortsMatched condition. Synced MeshServices keep what their own
 * zone computed. Connected counts come from `connectedProxies()` (xDS node ids `<mesh>.<name>`);
 * without it every proxy counts as disconnected.
 *
 * After the first pass only the MeshServices a change can affect are recomputed: those selecting a
 * changed Dataplane (before or after the change, found through MeshServiceSelectorIndex), a changed
 * MeshService, and those selecting a proxy that connected or disconnected since the last pass. A
 * Mesh change, and the `refreshMs` deadline, recompute everything.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Registry, Summary } from 'prom-client';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyOf, keyString, type Resource, type ResourceKey } from '../core/resource.js';
import { isLocal, type MeshServiceResource } from '../resources/mesh-service/generate.js';
import { DataplaneIndex, type DataplaneResource } from '../resources/mesh-service/selection.js';
import { applyMeshServiceStatus, type ComputedMeshServiceStatus, computeMeshServiceStatus, PORTS_MATCHED } from '../resources/mesh-service/status.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import { MeshServiceSelectorIndex } from './meshservice-selector-index.js';
import type { ResourceCache } from './resource-cache.js';

export const MESH_SERVICE_STATUS_KINDS: readonly string[] = ['Mesh', 'Dataplane', 'MeshService'];
const ATTEMPTS = 5;

export class MeshServiceStatusController implements Controller {
  readonly name = 'meshservice-status';
  private readonly pass: Summary;
  /** Built on the first pass from the cache, then kept current from change events. */
  private indexes: { readonly dataplanes: DataplaneIndex; readonly services: MeshServiceSelectorIndex } | undefined;
  /** Keys of MeshServices to look at on the next pass. */
  private readonly dirty = new Map<string, ResourceKey>();
  private full = true;
  private nextFullAt: number | undefined;
  /** Node ids connected at the last pass: a pass after a connect or disconnect recounts only what changed. */
  private connectedBefore: ReadonlySet<string> = new Set();

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

  /** Records which MeshServices a change can affect: the services selecting a changed Dataplane, a changed service. */
  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    if (r.type === 'Mesh') return (this.full = true);
    if (r.type === 'Dataplane') {
      if (this.full || !this.indexes) return true;
      const { dataplanes, services } = this.indexes;
      for (const dp of [e.previous, r] as (DataplaneResource | undefined)[]) {
        if (dp) for (const ms of services.selecting(dp)) this.mark(ms);
      }
      if (e.op === 'delete') dataplanes.remove(r);
      else dataplanes.put(r as DataplaneResource);
      return true;
    }
    if (r.type !== 'MeshService') return false;
    if (this.indexes && !this.full) {
      if (e.op === 'delete') this.indexes.services.remove(r);
      else this.indexes.services.put(r as MeshServiceResource);
    }
    if (e.op === 'delete') return false;
    if (e.op === 'update' && e.previous && isDeepStrictEqual(inputsAndOutputs(e.previous), inputsAndOutputs(r))) return false;
    this.mark(r);
    return true;
  }

  private mark(k: ResourceKey): void {
    this.dirty.set(keyString(k), keyOf(k));
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    const connected = this.deps.connectedProxies?.() ?? new Set<string>();
    const refresh = this.nextFullAt !== undefined && now.getTime() >= this.nextFullAt;
    let todo: ResourceKey[];
    if (this.full || !this.indexes || refresh) {
      this.full = false;
      this.dirty.clear();
      const dataplanes = new DataplaneIndex(cache.list('Dataplane') as DataplaneResource[]);
      const services = new MeshServiceSelectorIndex();
      const all = cache.list('MeshService') as MeshServiceResource[];
      for (const ms of all) services.put(ms);
      this.indexes = { dataplanes, services };
      todo = all.map(keyOf);
    } else {
      for (const nodeId of changedNodes(this.connectedBefore, connected)) {
        const dot = nodeId.indexOf('.');
        const dp = cache.get({ type: 'Dataplane', mesh: nodeId.slice(0, dot), name: nodeId.slice(dot + 1) }) as DataplaneResource | undefined;
        if (dot > 0 && dp) for (const ms of this.indexes.services.selecting(dp)) this.mark(ms);
      }
      todo = [...this.dirty.values()];
      this.dirty.clear();
    }
    this.connectedBefore = new Set(connected);
    const index = this.indexes.dataplanes;
    let i = 0;
    try {
      for (; i < todo.length; i++) {
        // The latest version: an earlier write of this pass may have changed it.
        const ms = cache.get(todo[i] as ResourceKey) as MeshServiceResource | undefined;
        if (!ms || !isLocal(ms) || !cache.get({ type: 'Mesh', mesh: '', name: ms.mesh })) continue;
        const computed = computeMeshServiceStatus(ms, index.select(ms), connectedNamesIn(connected, ms.mesh));
        if (applyMeshServiceStatus(ms, computed)) await this.write(ms, computed);
      }
    } catch (err) {
      // What was not finished is looked at again on the retry the runner schedules.
      for (; i < todo.length; i++) this.mark(todo[i] as ResourceKey);
      throw err;
    } finally {
      this.pass.observe(performance.now() - started);
    }
    if (!this.deps.refreshMs) return {};
    if (refresh || this.nextFullAt === undefined) this.nextFullAt = now.getTime() + this.deps.refreshMs;
    return { nextRunAt: new Date(this.nextFullAt) };
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

/** Node ids connected in one set and not the other. */
function changedNodes(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const id of after) if (!before.has(id)) out.push(id);
  for (const id of before) if (!after.has(id)) out.push(id);
  return out;
}

/** The names of connected Dataplanes of one mesh, as a view over the node ids. */
function connectedNamesIn(connected: ReadonlySet<string>, mesh: string): { has(name: string): boolean } {
  return { has: (name) => connected.has(`${mesh}.${name}`) };
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
