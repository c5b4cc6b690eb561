/**
 * Universal MeshService generation (semantics 2, A.3), event-driven: a changed Dataplane or
 * MeshService re-plans only the `kuma.io/service` values it carries or names (from their own
 * Dataplanes, found through an index), a changed Mesh re-plans the mesh; `generateMeshServices`
 * decides and the plan is applied. Grace periods are per-service deadlines handed to the runner,
 * not a polling interval. Port conflicts and skipped values are logged once when they appear (and
 * when they go away), and kept in metrics while they last.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import type { Resource, ResourceKey } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';
import { type DataplaneSpec, serviceTagsOf } from '../resources/dataplane/types.js';
import { type MeshSpec, meshServicesModeOf } from '../resources/mesh/types.js';
import {
  type GenerationPlan,
  generateMeshServices,
  isGenerated,
  type MeshServiceResource,
  PORT_CONFLICT,
  withCondition,
} from '../resources/mesh-service/generate.js';
import type { ResourceStore, StoreEvent, UpdateRequest } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import { GenerationReport, type GeneratorMetrics, generatorMetrics } from './generation-report.js';
import type { ResourceCache } from './resource-cache.js';
import { ServiceDataplaneIndex } from './service-dataplane-index.js';

export const MESH_SERVICE_GENERATOR_KINDS: readonly string[] = ['Mesh', 'Dataplane', 'MeshService'];
const ATTEMPTS = 5;

/** Per mesh: every service (a full re-plan of the mesh) or the `kuma.io/service` values that changed. */
type Dirty = Map<string, Set<string> | 'all'>;

export class MeshServiceGenerator implements Controller {
  readonly name = 'meshservice-generator';
  private dirty: Dirty | 'all' = 'all';
  /** `<mesh>\0<service>` -> epoch ms when its grace period ends. */
  private readonly deadlines = new Map<string, number>();
  private readonly report: GenerationReport;
  private readonly metrics: GeneratorMetrics;
  /** Built on the first pass from the cache, then kept current from events. */
  private byService: ServiceDataplaneIndex | undefined;

  constructor(
    private readonly deps: {
      readonly cache: ResourceCache;
      readonly store: ResourceStore;
      readonly logger: Logger;
      readonly zone: string;
      readonly deletionGracePeriodMs?: number;
      readonly metrics?: Registry;
    },
  ) {
    this.metrics = generatorMetrics(deps.metrics);
    this.report = new GenerationReport(deps.logger, this.metrics);
  }

  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    if (r.type === 'Mesh') {
      this.markMesh(r.name);
      return true;
    }
    if (r.type === 'Dataplane') {
      for (const dp of [e.previous, r]) for (const service of dp ? serviceTagsOf(dp.spec as DataplaneSpec) : []) this.markService(r.mesh, service);
      this.byService?.apply(e);
      return true;
    }
    if (r.type !== 'MeshService') return false;
    const relevant =
      e.op !== 'update' ||
      !e.previous ||
      !isDeepStrictEqual(e.previous.labels, r.labels) ||
      !isDeepStrictEqual(portsAndSelector(e.previous), portsAndSelector(r)) ||
      !isDeepStrictEqual(conflictOf(e.previous), conflictOf(r));
    if (relevant) this.markService(r.mesh, r.name);
    return relevant;
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    const todo: Dirty = this.dirty === 'all' ? new Map(this.deps.cache.list('Mesh').map((m) => [m.name, 'all'])) : this.dirty;
    this.dirty = new Map();
    this.byService ??= new ServiceDataplaneIndex(this.deps.cache.list('Dataplane'));
    for (const [key, at] of this.deadlines) {
      if (at > now.getTime()) continue;
      const [mesh = '', service = ''] = key.split('\u0000');
      const set = todo.get(mesh);
      if (set !== 'all') todo.set(mesh, (set ?? new Set()).add(service));
    }
    try {
      for (const [mesh, services] of todo) {
        await this.planMesh(mesh, services, now);
        todo.delete(mesh);
      }
    } catch (err) {
      // Whatever was not finished is planned again on the retry the runner schedules.
      for (const [mesh, services] of todo) {
        if (services === 'all') this.markMesh(mesh);
        else for (const s of services) this.markService(mesh, s);
      }
      throw err;
    } finally {
      this.metrics.pass.observe(performance.now() - started);
    }
    const next = Math.min(...this.deadlines.values());
    return Number.isFinite(next) ? { nextRunAt: new Date(next) } : {};
  }

  /** Plans the given services of one mesh (or all of it) and carries the plan out. */
  private async planMesh(name: string, services: Set<string> | 'all', now: Date): Promise<void> {
    const { cache } = this.deps;
    const mesh = cache.get({ type: 'Mesh', mesh: '', name }) as Resource<MeshSpec> | undefined;
    for (const key of [...this.deadlines.keys()]) {
      if (key.startsWith(`${name}\u0000`) && (services === 'all' || services.has(key.slice(name.length + 1)))) this.deadlines.delete(key);
    }
    if (!mesh) {
      this.report.planned(name, services, undefined);
      return;
    }
    const plan = generateMeshServices({
      mesh: name,
      mode: meshServicesModeOf(mesh.spec),
      zone: this.deps.zone,
      dataplanes: services === 'all' ? (cache.list('Dataplane', name) as Resource<DataplaneSpec>[]) : (this.byService?.dataplanesOf(name, services) ?? []),
      existing: services === 'all' ? (cache.list('MeshService', name) as MeshServiceResource[]) : this.meshServicesNamed(name, services),
      now,
      ...(services === 'all' ? {} : { services }),
      ...(this.deps.deletionGracePeriodMs !== undefined ? { gracePeriodMs: this.deps.deletionGracePeriodMs } : {}),
    });
    this.report.planned(name, services, plan);
    await this.apply(plan);
    for (const [service, at] of plan.deadlines) this.deadlines.set(`${name}\u0000${service}`, at);
  }

  private markMesh(mesh: string): void {
    if (this.dirty !== 'all') this.dirty.set(mesh, 'all');
  }

  private markService(mesh: string, service: string): void {
    if (this.dirty === 'all') return;
    const set = this.dirty.get(mesh);
    if (set === 'all') return;
    this.dirty.set(mesh, (set ?? new Set()).add(service));
  }

  private meshServicesNamed(mesh: string, names: ReadonlySet<string>): MeshServiceResource[] {
    return [...names].flatMap((name) => {
      const ms = this.deps.cache.get({ type: 'MeshService', mesh, name });
      return ms ? [ms as MeshServiceResource] : [];
    });
  }

  private async apply(plan: GenerationPlan): Promise<void> {
    const { store, logger } = this.deps;
    for (const r of plan.create) {
      try {
        await store.create(r);
        this.metrics.writes.inc({ op: 'create' });
        logger.info({ mesh: r.mesh, meshService: r.name, ports: r.spec.ports?.map((p) => p.port) }, 'MeshService generated');
      } catch (err) {
        // Someone created it first; its create event brings us back to look again.
        if (!(err instanceof ResourceAlreadyExistsError)) throw err;
      }
    }
    for (const { resource, reasons } of plan.update) {
      const ok = await this.updateLatest(resource, (latest) => reapply(latest, resource));
      if (ok) {
        this.metrics.writes.inc({ op: 'update' });
        logger.info({ mesh: resource.mesh, meshService: resource.name, reasons }, 'MeshService updated by the generator');
      }
    }
    for (const d of plan.delete) {
      const ok = await this.deleteLatest(d.key, d.version);
      if (ok) {
        this.metrics.writes.inc({ op: 'delete' });
        logger.info({ mesh: d.key.mesh, meshService: d.key.name, reason: d.reason }, 'generated MeshService deleted');
      }
    }
  }

  /** Writes `first`; on a version conflict re-reads and re-applies only the generator's fields. */
  private async updateLatest(first: UpdateRequest, again: (latest: Resource) => UpdateRequest | undefined): Promise<boolean> {
    let request: UpdateRequest | undefined = first;
    for (let i = 0; request && i < ATTEMPTS; i++) {
      try {
        await this.deps.store.update(request);
        return true;
      } catch (err) {
        if (err instanceof ResourceNotFoundError) return false;
        if (!(err instanceof ResourceConflictError)) throw err;
        const latest = await this.deps.store.get(request);
        request = latest && again(latest);
      }
    }
    return false;
  }

  /** Deletes unless the resource stopped being ours or left its grace period in between. */
  private async deleteLatest(key: ResourceKey, version: number): Promise<boolean> {
    const planned = this.deps.cache.get(key);
    let v = version;
    for (let i = 0; i < ATTEMPTS; i++) {
      try {
        await this.deps.store.delete(key, { version: v });
        return true;
      } catch (err) {
        if (err instanceof ResourceNotFoundError) return false;
        if (!(err instanceof ResourceConflictError)) throw err;
        const latest = await this.deps.store.get(key);
        const grace = LABEL.deletionGracePeriodStartedAt;
        if (!latest || !isGenerated(latest) || latest.labels[grace] !== planned?.labels[grace]) return false;
        v = latest.version;
      }
    }
    return false;
  }
}

/** The generator's fields of `planned` put onto the latest stored version (if still ours). */
function reapply(latest: Resource, planned: UpdateRequest): UpdateRequest | undefined {
  if (!isGenerated(latest)) return undefined;
  const ms = latest as MeshServiceResource;
  const want = planned as UpdateRequest<MeshServiceResource['spec'], MeshServiceResource['status']>;
  const condition = want.status?.conditions?.find((c) => c.type === PORT_CONFLICT);
  const status = withCondition(ms.status, PORT_CONFLICT, condition);
  return {
    type: ms.type,
    mesh: ms.mesh,
    name: ms.name,
    labels: want.labels,
    spec: { ...ms.spec, selector: want.spec.selector, ports: want.spec.ports },
    ...(status !== undefined ? { status } : {}),
    version: ms.version,
  };
}

function portsAndSelector(r: Resource): unknown {
  const spec = r.spec as MeshServiceResource['spec'] | undefined;
  return [spec?.ports, spec?.selector];
}

function conflictOf(r: Resource): unknown {
  return (r.status as MeshServiceResource['status'])?.conditions?.find((c) => c.type === PORT_CONFLICT);
}
