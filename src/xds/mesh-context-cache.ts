/**
 * A MeshContextSource that keeps each mesh's MeshContext, and so its `shared` memo (clusters,
 * endpoints, the policy index), across proxy-sync batches until a change reaches one of that
 * mesh's generation inputs; the next `contextOf` then builds it anew. Without it every batch (and
 * every connect) builds the context and all shared values again (docs/performance.md, hotspot 2).
 *
 * What invalidates (from the view's change events, delivered after the view took them in):
 * - a kind of XDS_INPUT_KINDS: a Mesh its own mesh, a ZoneIngress (global) every mesh, anything
 *   else its `mesh`; other kinds nothing;
 * - unless only what generation does not read changed: `status.dataplaneProxies` of a MeshService
 *   (rewritten by the status controller as proxies connect: a connect storm would otherwise rebuild
 *   the context again and again), the status of a route or policy (its ReferencesResolved
 *   condition), a LegacyVip record's hold starting or ending, or nothing at all (version stamps).
 * A context kept past such a change holds the older resource object: equal in all generation reads.
 * The Dataplane parts of a context (sorted list, healthy index, legacy backends) are kept current
 * Dataplane by Dataplane (mesh-dataplanes.ts), so a rebuild after one Dataplane changed does not redo
 * the mesh's other Dataplanes. A context handed out is good until the next `contextOf` after a change.
 *
 * Subscribe before the view answers for the first time (build the cache right after the view has
 * loaded): a context built from a half-loaded view would not hear about what the load added.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Resource } from '../core/resource.js';
import { LEGACY_VIP_TYPE, legacyVipInUseChanged } from '../ipam/legacy-vip-records.js';
import { LEGACY_VIPS_TYPE } from '../ipam/legacy-vips.js';
import { POLICY_KINDS } from '../policies/policy-index.js';
import type { StoreEvent, StoreListener } from '../store/store.js';
import { MeshDataplanes } from './mesh-dataplanes.js';
import { type DataplaneResource, type MeshContext, type MeshContextSource, meshContextOf, type ResourceView, XDS_INPUT_KINDS } from './proxy-context.js';

/** The ResourceCache, or anything that reads like it and reports changes after taking them in. */
export interface WatchedResourceView extends ResourceView {
  onChange(listener: StoreListener): () => void;
}

export interface MeshContextCacheStats {
  /** MeshContexts built (a kept one handed out again counts nothing). */
  readonly built: number;
  /** Changes that dropped at least one kept context, or would have. */
  readonly invalidating: number;
  /** Changes of input kinds that left every context as it was (status-only and the like). */
  readonly ignored: number;
  /** Times a mesh's Dataplanes were all read and indexed (once per mesh, then change by change). */
  readonly dataplaneLoads: number;
}

const INPUT_KINDS = new Set(XDS_INPUT_KINDS);
const POLICY_KIND_SET = new Set<string>(POLICY_KINDS);

/** Every mesh, for a change of a global input (a ZoneIngress). */
export const ALL_MESHES = Symbol('all meshes');

/** The meshes whose generation inputs `e` changes: none, some, or all. */
export function meshesChangedBy(e: StoreEvent): readonly string[] | typeof ALL_MESHES {
  const r = e.resource;
  if (!INPUT_KINDS.has(r.type)) return [];
  // Only a VIP in use is read: a hold starting (an update) or ending (a delete) changes nothing.
  if (r.type === LEGACY_VIP_TYPE) return legacyVipInUseChanged(e) ? [r.mesh] : [];
  if (r.type === LEGACY_VIPS_TYPE) return [r.mesh];
  if (e.op === 'update' && e.previous !== undefined && isDeepStrictEqual(generationInputOf(e.previous), generationInputOf(r))) return [];
  if (r.type === 'ZoneIngress') return ALL_MESHES;
  return [r.type === 'Mesh' ? r.name : r.mesh];
}

/** What generation reads of a resource: equal values here give equal configs. */
function generationInputOf(r: Resource): unknown {
  const base = { labels: r.labels, spec: r.spec, creationTime: r.creationTime };
  if (POLICY_KIND_SET.has(r.type)) return base;
  if (r.type === 'MeshService') {
    const { dataplaneProxies: _ignored, ...status } = (r.status ?? {}) as Record<string, unknown>;
    return { ...base, status };
  }
  return { ...base, status: r.status };
}

export class MeshContextCache implements MeshContextSource {
  private readonly contexts = new Map<string, MeshContext>();
  private readonly dataplanes = new Map<string, MeshDataplanes>();
  private unsubscribe: (() => void) | undefined;
  private builtCount = 0;
  private loadCount = 0;
  private invalidatingCount = 0;
  private ignoredCount = 0;

  constructor(private readonly view: WatchedResourceView) {
    this.unsubscribe = view.onChange((e) => this.onChange(e));
  }

  /** The kept context of the mesh, or a new one (kept until its inputs change); undefined without the Mesh. */
  contextOf(mesh: string): MeshContext | undefined {
    const kept = this.contexts.get(mesh);
    if (kept !== undefined) return kept;
    this.builtCount++;
    // Stopped: nothing would tell us of changes, so nothing is kept. No Mesh: nothing to keep.
    if (this.unsubscribe === undefined || this.view.get({ type: 'Mesh', mesh: '', name: mesh }) === undefined) return meshContextOf(this.view, mesh);
    const built = meshContextOf(this.view, mesh, this.dataplanesOf(mesh).parts());
    if (built !== undefined) this.contexts.set(mesh, built);
    return built;
  }

  /** Stops listening and drops every kept context; later calls build fresh ones, as freshMeshContexts. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.contexts.clear();
    this.dataplanes.clear();
  }

  get stats(): MeshContextCacheStats {
    return { built: this.builtCount, invalidating: this.invalidatingCount, ignored: this.ignoredCount, dataplaneLoads: this.loadCount };
  }

  /** Meshes whose context is kept now (for tests and status pages). */
  get keptMeshes(): string[] {
    return [...this.contexts.keys()].sort();
  }

  private dataplanesOf(mesh: string): MeshDataplanes {
    const known = this.dataplanes.get(mesh);
    if (known !== undefined) return known;
    this.loadCount++;
    const loaded = new MeshDataplanes(mesh, this.view.list('Dataplane', mesh) as DataplaneResource[]);
    this.dataplanes.set(mesh, loaded);
    return loaded;
  }

  private onChange(e: StoreEvent): void {
    const r = e.resource;
    if (!INPUT_KINDS.has(r.type)) return;
    if (r.type === 'Dataplane') {
      if (e.op === 'delete') this.dataplanes.get(r.mesh)?.remove(r.name);
      else this.dataplanes.get(r.mesh)?.put(r as DataplaneResource);
    }
    // A deleted Mesh's Dataplanes are read again if it comes back (nothing is kept for it meanwhile).
    if (r.type === 'Mesh' && e.op === 'delete') this.dataplanes.delete(r.name);
    const meshes = meshesChangedBy(e);
    if (meshes === ALL_MESHES) {
      this.invalidatingCount++;
      this.contexts.clear();
      return;
    }
    if (meshes.length === 0) this.ignoredCount++;
    else this.invalidatingCount++;
    for (const mesh of meshes) this.contexts.delete(mesh);
  }
}
