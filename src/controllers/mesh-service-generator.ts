/**
 * Universal MeshService generation (semantics 2, A.3), event-driven: a changed Dataplane, Mesh or
 * MeshService re-plans its mesh with `generateMeshServices` and applies the plan. Grace periods
 * are deadlines handed to the runner, not a polling interval. Port conflicts and skipped values are
 * logged once when they appear (and when they go away), and kept in metrics while they last.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry, Summary } from 'prom-client';
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import type { Resource, ResourceKey } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
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
import type { ResourceCache } from './resource-cache.js';

export const MESH_SERVICE_GENERATOR_KINDS: readonly string[] = ['Mesh', 'Dataplane', 'MeshService'];
const ATTEMPTS = 5;

interface GeneratorMetrics {
  readonly pass: Summary;
  readonly conflicts: Gauge;
  readonly conflictsFound: Counter;
  readonly skipped: Gauge<'kind'>;
  readonly writes: Counter<'op'>;
}

export class MeshServiceGenerator implements Controller {
  readonly name = 'meshservice-generator';
  private dirty: Set<string> | 'all' = 'all';
  private readonly deadlines = new Map<string, number>();
  private readonly conflicts = new Map<string, string>();
  private readonly skipped = new Map<string, string>();
  private readonly metrics: GeneratorMetrics;

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
  }

  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    let relevant = r.type === 'Dataplane' || r.type === 'Mesh';
    if (r.type === 'MeshService') {
      relevant =
        e.op !== 'update' ||
        !e.previous ||
        !isDeepStrictEqual(e.previous.labels, r.labels) ||
        !isDeepStrictEqual(portsAndSelector(e.previous), portsAndSelector(r)) ||
        !isDeepStrictEqual(conflictOf(e.previous), conflictOf(r));
    }
    if (relevant && this.dirty !== 'all') this.dirty.add(r.type === 'Mesh' ? r.name : r.mesh);
    return relevant;
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    const dirty = this.dirty;
    this.dirty = new Set();
    const meshes = new Map(this.deps.cache.list('Mesh').map((m) => [m.name, m as Resource<MeshSpec>]));
    const todo = new Set(dirty === 'all' ? meshes.keys() : dirty);
    for (const [mesh, at] of this.deadlines) if (at <= now.getTime()) todo.add(mesh);
    try {
      for (const name of todo) {
        const mesh = meshes.get(name);
        this.deadlines.delete(name);
        if (!mesh) {
          this.report(name, undefined);
          continue;
        }
        const plan = generateMeshServices({
          mesh: name,
          mode: meshServicesModeOf(mesh.spec),
          zone: this.deps.zone,
          dataplanes: this.deps.cache.list('Dataplane', name) as Resource<DataplaneSpec>[],
          existing: this.deps.cache.list('MeshService', name) as MeshServiceResource[],
          now,
          ...(this.deps.deletionGracePeriodMs !== undefined ? { gracePeriodMs: this.deps.deletionGracePeriodMs } : {}),
        });
        this.report(name, plan);
        await this.apply(plan);
        if (plan.nextRunAt) this.deadlines.set(name, plan.nextRunAt.getTime());
      }
    } catch (err) {
      // Whatever was not finished is planned again on the retry the runner schedules.
      const pending = this.dirty as Set<string> | 'all';
      if (pending !== 'all') for (const m of todo) pending.add(m);
      throw err;
    } finally {
      this.metrics.pass.observe(performance.now() - started);
    }
    const next = Math.min(...this.deadlines.values());
    return Number.isFinite(next) ? { nextRunAt: new Date(next) } : {};
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

  /** Logs what is new or gone since the last plan of this mesh and refreshes the gauges. */
  private report(mesh: string, plan: GenerationPlan | undefined): void {
    const { logger } = this.deps;
    const conflicts = new Map((plan?.conflicts ?? []).map((c) => [`${mesh}/${c.service}`, c]));
    for (const [key, c] of conflicts) {
      if (this.conflicts.get(key) === c.message) continue;
      this.conflicts.set(key, c.message);
      this.metrics.conflictsFound.inc();
      logger.warn({ mesh, meshService: c.service, dataplanes: c.dataplanes, detail: c.message }, 'Port conflict, ports must be identical across Dataplane inbounds grouped into a single MeshService');
    }
    for (const key of [...this.conflicts.keys()]) {
      if (key.startsWith(`${mesh}/`) && !conflicts.has(key)) {
        this.conflicts.delete(key);
        logger.info({ mesh, meshService: key.slice(mesh.length + 1) }, 'port conflict resolved');
      }
    }
    const skipped = new Map((plan?.skipped ?? []).map((s) => [JSON.stringify([mesh, s.kind, s.service, s.reason]), s]));
    for (const [key, s] of skipped) {
      if (this.skipped.has(key)) continue;
      this.skipped.set(key, s.kind);
      logger.warn({ mesh, kind: s.kind, service: s.service, dataplanes: s.dataplanes }, s.reason);
    }
    for (const key of [...this.skipped.keys()]) if ((JSON.parse(key) as string[])[0] === mesh && !skipped.has(key)) this.skipped.delete(key);
    this.metrics.conflicts.set(this.conflicts.size);
    this.metrics.skipped.reset();
    for (const kind of this.skipped.values()) this.metrics.skipped.inc({ kind });
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

function generatorMetrics(registry: Registry | undefined): GeneratorMetrics {
  const registers = registry ? [registry] : [];
  const get = <T>(name: string, make: () => T): T => (registry?.getSingleMetric(name) as T | undefined) ?? make();
  return {
    pass: get('component_meshservice_generator', () => new Summary({ name: 'component_meshservice_generator', help: 'Duration in milliseconds of one MeshService generator pass', registers })),
    conflicts: get('meshplane_meshservice_port_conflicts', () => new Gauge({ name: 'meshplane_meshservice_port_conflicts', help: 'Generated MeshServices whose Dataplanes currently disagree on ports', registers })),
    conflictsFound: get('meshplane_meshservice_port_conflicts_found_total', () => new Counter({ name: 'meshplane_meshservice_port_conflicts_found_total', help: 'Port conflicts found (or changed) by the MeshService generator', registers })),
    skipped: get('meshplane_meshservice_generator_skipped', () => new Gauge({ name: 'meshplane_meshservice_generator_skipped', help: 'Things the MeshService generator currently skips, by kind (invalid kuma.io/service values, name clashes with MeshServices it does not manage, unsupported protocols, duplicate port names)', labelNames: ['kind'] as const, registers })),
    writes: get('meshplane_meshservice_generator_writes_total', () => new Counter({ name: 'meshplane_meshservice_generator_writes_total', help: 'MeshService writes by the generator, by operation', labelNames: ['op'] as const, registers })),
  };
}
