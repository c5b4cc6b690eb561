/**
 * What proxy-sync remembers of the connected proxies between generations, so that a change finds
 * the proxies it concerns without visiting every one:
 * - the nodes of each mesh;
 * - which nodes reached each destination (`<kind>:<name>` keys, backendRefs included) at their
 *   last generation;
 * - the nodes grouped by reach shape: the parts of their Dataplane that decide which Mesh*Services
 *   they reach (`serviceDestinations` reads `transparentProxying.reachableBackends`, whether
 *   `reachableServices` is set, and the zone and namespace labels that names are read in). Nodes of
 *   one shape reach the same services, so a new service is checked once per shape, not per node.
 */
import { LABEL } from '../core/well-known-labels.js';
import type { DataplaneResource } from './proxy-context.js';

interface Entry {
  readonly mesh: string;
  reached: ReadonlySet<string>;
  shape: string | undefined;
}

/** Nodes of one mesh sharing a reach shape, and a Dataplane that has it. */
export interface ShapeGroup {
  readonly dataplane: DataplaneResource;
  readonly members: Set<string>;
}

/** The key of a Dataplane's reach shape: equal keys, equal Mesh*Services reached. */
export function reachShapeOf(dp: DataplaneResource): string {
  const tp = dp.spec.networking?.transparentProxying;
  return JSON.stringify([tp?.reachableBackends ?? null, (tp?.reachableServices ?? []).length > 0, dp.labels[LABEL.zone] ?? null, dp.labels[LABEL.namespace] ?? null]);
}

const meshKey = (mesh: string, key: string): string => `${mesh}\u0000${key}`;

export class ProxyReachIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byMesh = new Map<string, Set<string>>();
  private readonly reachers = new Map<string, Set<string>>();
  private readonly shapes = new Map<string, Map<string, ShapeGroup>>();

  get size(): number {
    return this.entries.size;
  }

  add(nodeId: string, mesh: string): void {
    if (this.entries.has(nodeId)) return;
    this.entries.set(nodeId, { mesh, reached: new Set(), shape: undefined });
    addTo(this.byMesh, mesh, nodeId);
  }

  remove(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (entry === undefined) return;
    this.record(nodeId, undefined, new Set());
    this.entries.delete(nodeId);
    deleteFrom(this.byMesh, entry.mesh, nodeId);
  }

  /** After a generation: what the node reached, from the Dataplane it was generated for (undefined: none). */
  record(nodeId: string, dataplane: DataplaneResource | undefined, reached: ReadonlySet<string>): void {
    const entry = this.entries.get(nodeId);
    if (entry === undefined) return;
    for (const key of entry.reached) if (!reached.has(key)) deleteFrom(this.reachers, meshKey(entry.mesh, key), nodeId);
    for (const key of reached) addTo(this.reachers, meshKey(entry.mesh, key), nodeId);
    entry.reached = reached;
    const shape = dataplane === undefined ? undefined : reachShapeOf(dataplane);
    if (shape === entry.shape) return;
    const groups = this.shapes.get(entry.mesh) ?? new Map<string, ShapeGroup>();
    this.shapes.set(entry.mesh, groups);
    if (entry.shape !== undefined) {
      const old = groups.get(entry.shape);
      old?.members.delete(nodeId);
      if (old?.members.size === 0) groups.delete(entry.shape);
    }
    entry.shape = shape;
    if (shape === undefined || dataplane === undefined) return;
    const group = groups.get(shape) ?? { dataplane, members: new Set<string>() };
    group.members.add(nodeId);
    groups.set(shape, group);
  }

  nodesOf(mesh: string): string[] {
    return [...(this.byMesh.get(mesh) ?? [])];
  }

  /** Nodes of `mesh` that reached one of the destination keys at their last generation. */
  reachersOf(mesh: string, keys: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const k of keys) for (const n of this.reachers.get(meshKey(mesh, k)) ?? []) out.add(n);
    return [...out];
  }

  /** The reach shapes of the mesh's generated nodes (nodes without a Dataplane are in none). */
  shapesOf(mesh: string): ShapeGroup[] {
    return [...(this.shapes.get(mesh)?.values() ?? [])];
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

function deleteFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}
