/** The in-memory model of every stored resource, whatever its kind. */

export type Labels = Record<string, string>;

/** Identifies one resource. `mesh` is '' for global-scoped kinds (Mesh, Zone, HostnameGenerator). */
export interface ResourceKey {
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
}

/**
 * A stored resource. For the newer kinds `spec` is the object under `spec:`; for the older, flat
 * kinds (Mesh, Dataplane, Zone, ZoneIngress) it holds every field beside type/name/mesh/labels.
 */
export interface Resource<Spec = unknown, Status = unknown> extends ResourceKey {
  readonly labels: Labels;
  readonly creationTime: string;
  readonly modificationTime: string;
  /** Optimistic-concurrency token: increases by one on every write. */
  readonly version: number;
  readonly spec: Spec;
  readonly status?: Status;
}

/** What a caller hands to the store to create a resource; times and version are the store's. */
export interface NewResource<Spec = unknown, Status = unknown> extends ResourceKey {
  readonly labels: Labels;
  readonly spec: Spec;
  readonly status?: Status;
}

export function keyOf(r: ResourceKey): ResourceKey {
  return { type: r.type, mesh: r.mesh, name: r.name };
}

export function keyString(k: ResourceKey): string {
  return k.mesh ? `${k.type}/${k.mesh}/${k.name}` : `${k.type}/${k.name}`;
}

export function describeKey(k: ResourceKey): string {
  return k.mesh ? `${k.type} '${k.name}' in mesh '${k.mesh}'` : `${k.type} '${k.name}'`;
}
