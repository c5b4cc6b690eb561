/**
 * What the MeshService generator tells people about its plans: port conflicts and skipped values
 * are logged once when they appear (and when they go away) and kept in metrics while they last.
 * A plan covers some services of a mesh (or all of it); only those are compared with before.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry, Summary } from 'prom-client';
import type { GenerationPlan } from '../resources/mesh-service/generate.js';

export interface GeneratorMetrics {
  readonly pass: Summary;
  readonly conflicts: Gauge;
  readonly conflictsFound: Counter;
  readonly skipped: Gauge<'kind'>;
  readonly writes: Counter<'op'>;
}

export class GenerationReport {
  /** `<mesh>/<service>` -> the conflict message last logged. */
  private readonly conflicts = new Map<string, string>();
  private readonly skipped = new Map<string, { readonly mesh: string; readonly service: string; readonly kind: string }>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: GeneratorMetrics,
  ) {}

  /** Logs what is new or gone since the last plan of these services and refreshes the gauges. */
  planned(mesh: string, services: ReadonlySet<string> | 'all', plan: GenerationPlan | undefined): void {
    const logger = this.logger;
    const inScope = (service: string): boolean => services === 'all' || services.has(service);
    const conflicts = new Map((plan?.conflicts ?? []).map((c) => [`${mesh}/${c.service}`, c]));
    for (const [key, c] of conflicts) {
      if (this.conflicts.get(key) === c.message) continue;
      this.conflicts.set(key, c.message);
      this.metrics.conflictsFound.inc();
      logger.warn({ mesh, meshService: c.service, dataplanes: c.dataplanes, detail: c.message }, 'Port conflict, ports must be identical across Dataplane inbounds grouped into a single MeshService');
    }
    for (const key of [...this.conflicts.keys()]) {
      const service = key.slice(mesh.length + 1);
      if (key.startsWith(`${mesh}/`) && inScope(service) && !conflicts.has(key)) {
        this.conflicts.delete(key);
        logger.info({ mesh, meshService: service }, 'port conflict resolved');
      }
    }
    const skipped = new Map((plan?.skipped ?? []).map((s) => [JSON.stringify([mesh, s.kind, s.service, s.reason]), s]));
    for (const [key, s] of skipped) {
      if (this.skipped.has(key)) continue;
      this.skipped.set(key, { mesh, service: s.service, kind: s.kind });
      logger.warn({ mesh, kind: s.kind, service: s.service, dataplanes: s.dataplanes }, s.reason);
    }
    for (const [key, s] of [...this.skipped]) if (s.mesh === mesh && inScope(s.service) && !skipped.has(key)) this.skipped.delete(key);
    this.metrics.conflicts.set(this.conflicts.size);
    this.metrics.skipped.reset();
    for (const s of this.skipped.values()) this.metrics.skipped.inc({ kind: s.kind });
  }
}

export function generatorMetrics(registry: Registry | undefined): GeneratorMetrics {
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
