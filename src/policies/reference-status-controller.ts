/**
 * Keeps the `ReferencesResolved` condition of every route and policy (POLICY_KINDS) current
 * (reference-condition.ts), so a dangling reference is readable over REST long after the PUT that
 * warned about it, and clears once the destination appears. Event-driven: it
 * wakes when a route or policy changes (not on its own status writes), when a MeshService or
 * MeshMultiZoneService comes, goes, or changes labels or ports, and when a Dataplane comes or goes.
 * Writes only conditions that differ, with the version it read (a conflict means someone wrote
 * in between: read again, at most a few times).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Controller, ReconcileResult } from '../controllers/controller.js';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyString, type Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import { DestinationCatalog } from './destination-catalog.js';
import { POLICY_KINDS } from './policy-index.js';
import { onlyStatusChanged } from './policy-reach.js';
import { referenceCondition, withReferenceCondition } from './reference-condition.js';
import { referenceReport } from './reference-report.js';

/** What the controller reads from the cache. */
export const REFERENCE_STATUS_KINDS: readonly string[] = [...POLICY_KINDS, 'MeshService', 'MeshMultiZoneService', 'Dataplane'];
const ATTEMPTS = 5;

interface CacheView {
  list(type: string, mesh?: string): Resource[];
}

const portsOf = (r: Resource | undefined): unknown => (r?.spec as { ports?: unknown } | undefined)?.ports;

export class ReferenceStatusController implements Controller {
  readonly name = 'reference-status';

  constructor(private readonly deps: { readonly cache: CacheView; readonly store: ResourceStore; readonly logger: Logger }) {}

  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    if ((POLICY_KINDS as readonly string[]).includes(r.type)) return !(e.op === 'update' && onlyStatusChanged(e.previous, r));
    if (r.type === 'MeshService' || r.type === 'MeshMultiZoneService') {
      if (e.op !== 'update' || e.previous === undefined) return true;
      return !isDeepStrictEqual(e.previous.labels, r.labels) || !isDeepStrictEqual(portsOf(e.previous), portsOf(r));
    }
    return r.type === 'Dataplane' && e.op !== 'update';
  }

  async reconcile(): Promise<ReconcileResult> {
    const { cache } = this.deps;
    const byMesh = new Map<string, { catalog: DestinationCatalog; dataplanes: Resource<DataplaneSpec>[] }>();
    for (const kind of POLICY_KINDS) {
      for (const policy of cache.list(kind)) {
        let mesh = byMesh.get(policy.mesh);
        if (mesh === undefined) {
          mesh = {
            catalog: new DestinationCatalog(cache.list('MeshService', policy.mesh), cache.list('MeshMultiZoneService', policy.mesh)),
            dataplanes: cache.list('Dataplane', policy.mesh) as Resource<DataplaneSpec>[],
          };
          byMesh.set(policy.mesh, mesh);
        }
        const condition = referenceCondition(referenceReport(policy, mesh.catalog, mesh.dataplanes));
        if (withReferenceCondition(policy, condition) !== undefined) await this.write(policy, condition);
      }
    }
    return {};
  }

  private async write(cached: Resource, condition: ReturnType<typeof referenceCondition>): Promise<void> {
    let current: Resource | undefined = cached;
    for (let i = 0; current !== undefined && i < ATTEMPTS; i++) {
      const status = withReferenceCondition(current, condition);
      if (status === undefined) return;
      try {
        await this.deps.store.update({ type: current.type, mesh: current.mesh, name: current.name, labels: current.labels, spec: current.spec, status, version: current.version });
        return;
      } catch (err) {
        if (err instanceof ResourceNotFoundError) return;
        if (!(err instanceof ResourceConflictError)) throw err;
        current = await this.deps.store.get(current);
      }
    }
    this.deps.logger.warn({ resource: keyString(cached) }, 'ReferencesResolved condition not written: the resource kept changing; the next change retries');
  }
}
