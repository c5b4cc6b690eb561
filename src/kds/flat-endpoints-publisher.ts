/**
 * On a zone running with `--flat-network true`: keeps one FlatEndpoints record per local
 * MeshService, holding the endpoints this zone's own proxies get for each of its ports (the same
 * function xDS uses, so both sides always agree). The KDS client sends the records to global,
 * which passes them to the other flat-network zones. Event-driven through the controller runner:
 * a Dataplane change recomputes only the MeshServices that select it (before or after), a
 * MeshService change only itself, a Mesh change its whole mesh. Writes only what differs.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Controller, ReconcileResult } from '../controllers/controller.js';
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyString, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
import { selects } from '../resources/mesh-service/selection.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import { isLocal, localServiceEndpoints } from '../xds/generators/endpoints.js';
import { type MeshContext, meshContextOf, type MeshServiceResource, type ResourceView } from '../xds/proxy-context.js';
import { FLAT_ENDPOINTS_TYPE, type FlatEndpointsPort, flatEndpointsRecord } from './flat-endpoints.js';

const ATTEMPTS = 3;

export interface FlatEndpointsPublisherDeps {
  /** Must hold Mesh, Dataplane, MeshService and FlatEndpoints (XDS_INPUT_KINDS does). */
  readonly cache: ResourceView;
  readonly store: ResourceStore;
  readonly logger: Logger;
}

export class FlatEndpointsPublisher implements Controller {
  readonly name = 'flat-endpoints-publisher';
  private firstPass = true;
  private readonly dirtyMeshes = new Set<string>();
  private readonly dirtyServices = new Map<string, ResourceKey>();

  constructor(private readonly deps: FlatEndpointsPublisherDeps) {}

  wakesOn(e: StoreEvent): boolean {
    const r = e.resource;
    if (r.type === 'Mesh') {
      this.dirtyMeshes.add(r.name);
      return true;
    }
    if (r.type === 'MeshService') {
      this.markService(r);
      return true;
    }
    if (r.type !== 'Dataplane') return false;
    const versions = [e.previous, e.op === 'delete' ? undefined : r].filter((x): x is Resource => x !== undefined) as Resource<DataplaneSpec>[];
    let marked = false;
    for (const ms of this.deps.cache.list('MeshService', r.mesh) as MeshServiceResource[]) {
      if (isLocal(ms) && versions.some((dp) => selects(ms, dp))) {
        this.markService(ms);
        marked = true;
      }
    }
    return marked;
  }

  async reconcile(): Promise<ReconcileResult> {
    const services = new Map(this.dirtyServices);
    const meshes = new Set(this.dirtyMeshes);
    this.dirtyServices.clear();
    this.dirtyMeshes.clear();
    if (this.firstPass) {
      this.firstPass = false;
      for (const r of [...this.deps.cache.list('MeshService'), ...this.deps.cache.list(FLAT_ENDPOINTS_TYPE)]) services.set(keyString(r), key(r));
    }
    for (const mesh of meshes) for (const ms of this.deps.cache.list('MeshService', mesh)) services.set(keyString(ms), key(ms));
    const contexts = new Map<string, MeshContext | undefined>();
    for (const k of services.values()) {
      if (!contexts.has(k.mesh)) contexts.set(k.mesh, meshContextOf(this.deps.cache, k.mesh));
      await this.publish(k, contexts.get(k.mesh));
    }
    return {};
  }

  private markService(r: ResourceKey): void {
    this.dirtyServices.set(keyString(r), key(r));
  }

  /** Makes the record of the MeshService at `k` match what this zone serves it on (or removes it). */
  private async publish(k: ResourceKey, ctx: MeshContext | undefined): Promise<void> {
    const ms = this.deps.cache.get({ ...k, type: 'MeshService' }) as MeshServiceResource | undefined;
    const desired = ms !== undefined && isLocal(ms) && ctx !== undefined ? flatEndpointsRecord(ms, portsOf(ctx, ms)) : undefined;
    const recordKey = { type: FLAT_ENDPOINTS_TYPE, mesh: k.mesh, name: k.name };
    for (let attempt = 1; ; attempt++) {
      const stored = await this.deps.store.get(recordKey);
      try {
        await this.write(desired, stored);
        return;
      } catch (err) {
        const lostRace = err instanceof ResourceConflictError || err instanceof ResourceAlreadyExistsError || err instanceof ResourceNotFoundError;
        if (!lostRace || attempt >= ATTEMPTS) {
          this.deps.logger.error({ err, resource: keyString(recordKey) }, 'could not publish flat-network endpoints');
          return;
        }
      }
    }
  }

  private async write(desired: NewResource | undefined, stored: Resource | undefined): Promise<void> {
    // Copies received from other zones are the sync's to manage, never this controller's.
    if (stored !== undefined && stored.labels['kuma.io/origin'] === 'global') return;
    if (desired === undefined) {
      if (stored !== undefined) await this.deps.store.delete(stored, { version: stored.version });
      return;
    }
    if (stored === undefined) {
      await this.deps.store.create(desired);
      return;
    }
    if (isDeepStrictEqual(stored.labels, desired.labels) && isDeepStrictEqual(stored.spec, desired.spec)) return;
    await this.deps.store.update({ ...desired, version: stored.version });
  }
}

function key(r: ResourceKey): ResourceKey {
  return { type: r.type, mesh: r.mesh, name: r.name };
}

function portsOf(ctx: MeshContext, ms: MeshServiceResource): FlatEndpointsPort[] {
  return (ms.spec.ports ?? []).map((p) => ({
    port: p.port,
    endpoints: localServiceEndpoints(ctx, ms, p.port).endpoints.map((e) => ({ address: e.address, port: e.port })),
  }));
}
