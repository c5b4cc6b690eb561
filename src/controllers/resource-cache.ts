/**
 * An in-memory, always-current copy of the store for the kinds controllers read, fed by the
 * store's watch. Controllers compute from it (pure functions over a consistent view) instead of
 * listing the store on every change, so one change costs work on the cache, not a full reload.
 */
import { keyString, type Resource, type ResourceKey } from '../core/resource.js';
import type { ResourceStore, StoreEvent, StoreListener } from '../store/store.js';
import { StoreListeners } from '../store/listeners.js';

export class ResourceCache {
  /** Type -> mesh -> key -> resource: listing one mesh costs that mesh, not the whole zone. */
  private readonly byType = new Map<string, Map<string, Map<string, Resource>>>();
  private readonly listeners = new StoreListeners();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: { readonly store: ResourceStore; readonly types: readonly string[] }) {
    for (const t of deps.types) this.byType.set(t, new Map());
  }

  /** Subscribes first, then loads, so no write between the two is missed. */
  async start(): Promise<void> {
    const pending: StoreEvent[] = [];
    let loading = true;
    this.unsubscribe = this.deps.store.watch((e) => {
      if (!this.byType.has(e.resource.type)) return;
      if (loading) pending.push(e);
      else this.apply(e);
    });
    for (const type of this.deps.types) {
      const page = await this.deps.store.list({ type });
      for (const r of page.items) this.put(r);
    }
    loading = false;
    for (const e of pending) this.apply(e);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  list(type: string, mesh?: string): Resource[] {
    const meshes = this.byType.get(type);
    if (meshes === undefined) return [];
    if (mesh !== undefined) return [...(meshes.get(mesh)?.values() ?? [])];
    const out: Resource[] = [];
    for (const resources of meshes.values()) for (const r of resources.values()) out.push(r);
    return out;
  }

  get(key: ResourceKey): Resource | undefined {
    return this.byType.get(key.type)?.get(key.mesh)?.get(keyString(key));
  }

  /** Called after the cache has taken in a change. */
  onChange(listener: StoreListener): () => void {
    return this.listeners.add(listener);
  }

  private apply(e: StoreEvent): void {
    const current = this.get(e.resource);
    if (e.op === 'delete') {
      if (current && current.version > e.resource.version) return;
      const resources = this.byType.get(e.resource.type)?.get(e.resource.mesh);
      resources?.delete(keyString(e.resource));
      if (resources?.size === 0) this.byType.get(e.resource.type)?.delete(e.resource.mesh);
    } else {
      // Events replayed after the initial load may be older than what the load saw.
      if (current && current.version >= e.resource.version && current.creationTime === e.resource.creationTime) return;
      this.put(e.resource);
    }
    this.listeners.emit(e);
  }

  private put(r: Resource): void {
    const meshes = this.byType.get(r.type);
    if (meshes === undefined) return;
    const resources = meshes.get(r.mesh) ?? new Map<string, Resource>();
    meshes.set(r.mesh, resources);
    resources.set(keyString(r), r);
  }
}
