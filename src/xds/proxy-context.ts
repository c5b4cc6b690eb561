/**
 * The per-proxy inputs of xDS generation, derived once from a read-only view of the resources:
 * the proxy's Dataplane, its Mesh and migration mode, and the mesh's destinations. A MeshContext
 * is shared by every proxy of one mesh (built once per change, like Kuma's MeshContext), and holds
 * a memo so resources every proxy gets alike (clusters, endpoints) are built once per mesh.
 */
import type { Resource, ResourceKey } from '../core/resource.js';
import { LEGACY_VIP_TYPE, legacyVipsIn } from '../ipam/legacy-vip-records.js';
import { LEGACY_VIPS_TYPE } from '../ipam/legacy-vips.js';
import { FLAT_ENDPOINTS_TYPE, type FlatEndpointsResource } from '../kds/flat-endpoints.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import { type MeshServicesMode, type MeshSpec, meshServicesModeOf } from '../resources/mesh/types.js';
import type { MeshMultiZoneServiceSpec, MeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/types.js';
import type { DataplaneIndex } from '../resources/mesh-service/selection.js';
import type { MeshServiceSpec, MeshServiceStatus } from '../resources/mesh-service/types.js';
import { POLICY_KINDS, type PolicyResources, policyResourcesOf } from '../policies/policy-index.js';
import type { ZoneIngressSpec } from '../resources/zone-ingress/types.js';
import { type DataplaneParts, dataplanePartsOf } from './mesh-dataplanes.js';

export type DataplaneResource = Resource<DataplaneSpec>;
export type MeshServiceResource = Resource<MeshServiceSpec, MeshServiceStatus>;
export type MultiZoneServiceResource = Resource<MeshMultiZoneServiceSpec, MeshMultiZoneServiceStatus>;
export type ZoneIngressResource = Resource<ZoneIngressSpec>;

/** What generation reads: the ResourceCache, or anything with the same two methods. */
export interface ResourceView {
  list(type: string, mesh?: string): Resource[];
  get(key: ResourceKey): Resource | undefined;
}

/** The kinds generation reads; the ResourceCache feeding proxy-sync must hold them. */
export const XDS_INPUT_KINDS: readonly string[] = ['Mesh', 'Dataplane', 'MeshService', 'MeshMultiZoneService', LEGACY_VIP_TYPE, LEGACY_VIPS_TYPE, 'ZoneIngress', FLAT_ENDPOINTS_TYPE, ...POLICY_KINDS];

export interface MeshContext {
  readonly mesh: Resource<MeshSpec>;
  readonly mode: MeshServicesMode;
  /** Sorted by name. */
  readonly dataplanes: readonly DataplaneResource[];
  readonly meshServices: readonly MeshServiceResource[];
  readonly multiZoneServices: readonly MultiZoneServiceResource[];
  /** `kuma.io/service` -> its 240.0.0.0/4 VIP, from the mesh's LegacyVip records (held ones left out). */
  readonly legacyVips: ReadonlyMap<string, string>;
  /**
   * Dataplanes with only their healthy inbounds (Kuma indexes endpoints from healthy inbounds only).
   * `select` answers in no particular order (a kept index, mesh-dataplanes.ts): sort if order matters.
   */
  readonly healthyIndex: DataplaneIndex;
  /** Healthy inbounds carrying each `kuma.io/service` value, with their Dataplane, sorted by name (keys in no particular order). */
  readonly legacyBackends: ReadonlyMap<string, readonly DataplaneResource[]>;
  /** Every ZoneIngress (global-scoped): remote MeshServices are reached through their zone's (traffic doc 3.5). */
  readonly zoneIngresses: readonly ZoneIngressResource[];
  /** Flat-network endpoints of MeshServices synced from other zones, by MeshService name (kds/flat-endpoints.ts). */
  readonly flatEndpoints: ReadonlyMap<string, FlatEndpointsResource>;
  /** The mesh's routes and policies (MeshHTTPRoute, MeshTCPRoute, MeshTimeout, MeshRetry), by kind, sorted by name. */
  readonly policyResources: PolicyResources;
  /** Built-once values shared by the proxies of this mesh; see `shared`. */
  readonly memo: Map<string, unknown>;
}

/** How the proxy talks xDS. */
export interface ProxyClient {
  /** gRPC's own xDS client (no Envoy): api_listeners named by target, no inbound listeners. */
  readonly proxyless: boolean;
}

export const ENVOY_CLIENT: ProxyClient = { proxyless: false };
export const PROXYLESS_CLIENT: ProxyClient = { proxyless: true };

export interface ProxyContext {
  readonly nodeId: string;
  readonly meshContext: MeshContext;
  readonly dataplane: DataplaneResource;
  readonly client: ProxyClient;
}

export type ProxyContextResult = { readonly ok: true; readonly context: ProxyContext } | { readonly ok: false; readonly reason: string };

/** `<mesh>.<dataplane>`: the mesh is everything before the first dot (Dataplane names may hold dots). */
export function parseNodeId(nodeId: string): { readonly mesh: string; readonly dataplane: string } | undefined {
  const dot = nodeId.indexOf('.');
  if (dot <= 0 || dot === nodeId.length - 1) return undefined;
  return { mesh: nodeId.slice(0, dot), dataplane: nodeId.slice(dot + 1) };
}

export function nodeIdOf(dp: { readonly mesh: string; readonly name: string }): string {
  return `${dp.mesh}.${dp.name}`;
}

/**
 * The client kind from the xDS Node: proxyless when `user_agent_name` starts with "gRPC" (every gRPC
 * implementation names itself so, e.g. "gRPC Node Pure JS", "gRPC Go"), or when node metadata sets
 * `meshplane.io/proxyless` to true or "true" (for clients that send no user agent).
 */
export function clientOfNode(node: unknown): ProxyClient {
  const n = asRecord(node);
  const agent = n?.user_agent_name ?? n?.userAgentName;
  if (typeof agent === 'string' && agent.startsWith('gRPC')) return PROXYLESS_CLIENT;
  const flag = metadataValue(n?.metadata, 'meshplane.io/proxyless');
  return flag === true || flag === 'true' ? PROXYLESS_CLIENT : ENVOY_CLIENT;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Reads a key of a google.protobuf.Struct in either plain JSON form or `{fields: {k: {string_value}}}` form. */
function metadataValue(metadata: unknown, key: string): unknown {
  const m = asRecord(metadata);
  const fields = asRecord(m?.fields);
  if (fields === undefined) return m?.[key];
  const value = asRecord(fields[key]);
  return value?.string_value ?? value?.stringValue ?? value?.bool_value ?? value?.boolValue;
}

const byName = (a: Resource, b: Resource): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Everything generation needs about one mesh, or undefined if the Mesh does not exist. `dataplanes`:
 * the mesh's Dataplane parts when the caller keeps them current (mesh-dataplanes.ts); built from
 * the view otherwise.
 */
export function meshContextOf(view: ResourceView, mesh: string, dataplanes?: DataplaneParts): MeshContext | undefined {
  const meshResource = view.get({ type: 'Mesh', mesh: '', name: mesh }) as Resource<MeshSpec> | undefined;
  if (meshResource === undefined) return undefined;
  const parts = dataplanes ?? dataplanePartsOf(view.list('Dataplane', mesh) as DataplaneResource[]);
  return {
    mesh: meshResource,
    mode: meshServicesModeOf(meshResource.spec),
    dataplanes: parts.dataplanes,
    meshServices: (view.list('MeshService', mesh) as MeshServiceResource[]).sort(byName),
    multiZoneServices: (view.list('MeshMultiZoneService', mesh) as MultiZoneServiceResource[]).sort(byName),
    // The old per-mesh record, until the allocator converted it, fills in what records do not name.
    legacyVips: legacyVipsIn(view.list(LEGACY_VIP_TYPE, mesh), view.get({ type: LEGACY_VIPS_TYPE, mesh, name: mesh })?.spec),
    healthyIndex: parts.healthyIndex,
    legacyBackends: parts.legacyBackends,
    zoneIngresses: (view.list('ZoneIngress') as ZoneIngressResource[]).sort(byName),
    flatEndpoints: new Map((view.list(FLAT_ENDPOINTS_TYPE, mesh) as FlatEndpointsResource[]).map((r) => [r.name, r])),
    policyResources: policyResourcesOf(view, mesh),
    memo: new Map(),
  };
}

/**
 * Where proxy-sync gets the MeshContext of a mesh for one batch of regenerations. The plain source
 * builds a new one every time; a caching source may return the same one until an input changes.
 */
export interface MeshContextSource {
  contextOf(mesh: string): MeshContext | undefined;
}

/** A MeshContextSource that builds a fresh MeshContext on every call (nothing kept). */
export function freshMeshContexts(view: ResourceView): MeshContextSource {
  return { contextOf: (mesh) => meshContextOf(view, mesh) };
}

/** A value built once per MeshContext and shared by all its proxies (equal inputs, same object). */
export function shared<T>(ctx: MeshContext, key: string, build: () => T): T {
  if (ctx.memo.has(key)) return ctx.memo.get(key) as T;
  const value = build();
  ctx.memo.set(key, value);
  return value;
}

/** The proxy's inputs; `meshContext` may be passed in when several proxies of one mesh are built. */
export function proxyContextOf(
  view: ResourceView,
  nodeId: string,
  options: { readonly client: ProxyClient; readonly meshContext?: MeshContext },
): ProxyContextResult {
  const id = parseNodeId(nodeId);
  if (id === undefined) return { ok: false, reason: `node id '${nodeId}' is not of the form <mesh>.<dataplane>` };
  const given = options.meshContext;
  const meshContext = given !== undefined && given.mesh.name === id.mesh ? given : meshContextOf(view, id.mesh);
  if (meshContext === undefined) return { ok: false, reason: `mesh '${id.mesh}' of node '${nodeId}' does not exist` };
  const dataplane = view.get({ type: 'Dataplane', mesh: id.mesh, name: id.dataplane }) as DataplaneResource | undefined;
  if (dataplane === undefined) return { ok: false, reason: `Dataplane '${id.dataplane}' in mesh '${id.mesh}' (node '${nodeId}') does not exist` };
  return { ok: true, context: { nodeId, meshContext, dataplane, client: options.client } };
}
