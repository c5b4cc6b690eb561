/**
 * For tests: a seeded random walk over the inputs of xDS generation, small enough that every
 * change collides with something (two meshes, a handful of Dataplanes and services): Dataplanes
 * put and removed, their inbound health flipped; MeshServices with tag or label selectors, one or
 * two ports, VIPs and hostnames, and status rewrites of `dataplaneProxies` alone; a MeshService
 * synced from zone-2 with its ZoneIngress and flat-network endpoints; a MeshMultiZoneService; a
 * MeshHTTPRoute (also status-only rewrites) and a MeshTimeout; Mesh mode; LegacyVip records (in
 * use, held, removed). Each change is a document in Kuma's universal format, or a removal,
 * written through a MemoryStore to the ResourceCache that feeds xDS (`storeWorld`, `applyChange`).
 */
import { ManualClock } from '../core/clock.js';
import type { NewResource } from '../core/resource.js';
import { ResourceCache } from '../controllers/resource-cache.js';
import { FLAT_ENDPOINTS_TYPE } from '../kds/flat-endpoints.js';
import { MemoryStore } from '../store/memory-store.js';
import { resourceFromDocument } from './generators/input-fixtures.js';
import { XDS_INPUT_KINDS } from './proxy-context.js';

export type Doc = Record<string, unknown> & { readonly type: string; readonly name: string; readonly mesh?: string };
export type Change = { readonly put: Doc } | { readonly remove: { readonly type: string; readonly mesh: string; readonly name: string } };

export const MESHES = ['default', 'other'] as const;
const SERVICES = ['backend', 'redis', 'api'] as const;
const SYNCED = 'backend-zone-2';
const MODES = ['Disabled', 'Everywhere', 'ReachableBackends', 'Exclusive'] as const;

export interface StoreWorld {
  readonly store: MemoryStore;
  readonly cache: ResourceCache;
  /** The documents written and not removed, by docKey. */
  readonly docs: Map<string, Doc>;
}

/** An empty store (its clock moves a second per write) and a started ResourceCache of the xDS inputs. */
export async function storeWorld(): Promise<StoreWorld> {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock: { now: () => (clock.advance(1000), clock.now()) } });
  const cache = new ResourceCache({ store, types: XDS_INPUT_KINDS });
  await cache.start();
  return { store, cache, docs: new Map() };
}

function resourceOf(doc: Doc): NewResource {
  if (doc.type === FLAT_ENDPOINTS_TYPE) return { type: doc.type, mesh: String(doc.mesh), name: doc.name, labels: doc.labels as Record<string, string>, spec: doc.spec };
  const r = resourceFromDocument(doc);
  return { type: r.type, mesh: r.mesh, name: r.name, labels: r.labels, spec: r.spec, ...(r.status === undefined ? {} : { status: r.status }) };
}

/** Writes the change (create or update, through admission; a removal of nothing does nothing). */
export async function applyChange(w: StoreWorld, change: Change): Promise<void> {
  if ('remove' in change) {
    if (await w.store.get(change.remove)) await w.store.delete(change.remove);
    w.docs.delete(docKey(change.remove));
    return;
  }
  const input = resourceOf(change.put);
  const current = await w.store.get(input);
  if (current === undefined) await w.store.create(input);
  else await w.store.update({ ...input, version: current.version });
  w.docs.set(docKey(change.put), change.put);
}

export const docKey = (d: { readonly type: string; readonly mesh?: string; readonly name: string }): string => `${d.type}/${d.mesh ?? ''}/${d.name}`;

/** The Meshes, so that every change after them lands in an existing mesh. */
export function initialDocs(): Doc[] {
  return MESHES.map((name) => ({ type: 'Mesh', name, meshServices: { mode: 'Exclusive' } }));
}

/** One random change given the documents written so far (by docKey). */
export function randomChange(next: () => number, docs: ReadonlyMap<string, Doc>): Change {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const mesh = pick(MESHES);
  const existing = (type: string): Doc[] => [...docs.values()].filter((d) => d.type === type && (d.mesh ?? '') === (type === 'ZoneIngress' ? '' : mesh));
  const roll = next();
  if (roll < 0.22) return { put: dataplane(pick, mesh) };
  if (roll < 0.3) return removeOne(pick, existing('Dataplane')) ?? { put: dataplane(pick, mesh) };
  if (roll < 0.42) return flipHealth(pick, existing('Dataplane')) ?? { put: dataplane(pick, mesh) };
  if (roll < 0.54) return { put: meshService(pick, mesh) };
  if (roll < 0.6) return proxyCountsOnly(pick, next, existing('MeshService')) ?? { put: meshService(pick, mesh) };
  if (roll < 0.64) return addressesOnly(pick, existing('MeshService')) ?? { put: meshService(pick, mesh) };
  if (roll < 0.67) return removeOne(pick, existing('MeshService')) ?? { put: meshService(pick, mesh) };
  if (roll < 0.71) return { put: syncedService(pick, mesh) };
  if (roll < 0.75) return pick([{ put: multiZoneService(pick, mesh) }, { put: multiZoneService(pick, mesh, 'http') }, { remove: { type: 'MeshMultiZoneService', mesh, name: 'backend-mz' } }]);
  if (roll < 0.8) return next() < 0.6 ? { put: route(pick, mesh) } : routeStatusOnly(next, existing('MeshHTTPRoute')) ?? { put: route(pick, mesh) };
  if (roll < 0.84) return next() < 0.7 ? { put: timeout(pick, mesh) } : { remove: { type: 'MeshTimeout', mesh, name: 'timeouts' } };
  if (roll < 0.88) return { put: { type: 'Mesh', name: mesh, meshServices: { mode: pick(MODES) } } };
  if (roll < 0.92) {
    const service = pick([...SERVICES, 'gone']);
    return next() < 0.2 ? { remove: { type: 'LegacyVip', mesh, name: service } } : { put: legacyVip(pick, next, mesh, service) };
  }
  if (roll < 0.97) return next() < 0.8 ? { put: zoneIngress(pick) } : { remove: { type: 'ZoneIngress', mesh: '', name: 'zi-2a' } };
  return next() < 0.5 ? { put: flatEndpoints(pick, mesh) } : { remove: { type: FLAT_ENDPOINTS_TYPE, mesh, name: SYNCED } };
}

type Pick = <T>(xs: readonly T[]) => T;

function removeOne(pick: Pick, docs: readonly Doc[]): Change | undefined {
  if (docs.length === 0) return undefined;
  const d = pick(docs);
  return { remove: { type: d.type, mesh: d.mesh ?? '', name: d.name } };
}

function dataplane(pick: Pick, mesh: string): Doc {
  const inbound = (port: number, i: number): Record<string, unknown> => ({
    port,
    ...(i === 0 && pick([true, false]) ? { name: 'http' } : {}),
    ...(pick([true, false, false]) ? { state: 'NotReady' } : {}),
    tags: { 'kuma.io/service': pick(SERVICES), 'kuma.io/protocol': pick(['http', 'tcp', 'grpc']), ...(pick([true, false]) ? { 'kuma.io/zone': pick(['zone-1', 'zone-3']) } : {}) },
  });
  const inbounds = pick([[8080], [6379], [8080, 6379], [9090]]).map(inbound);
  const reachable = pick([undefined, [], [{ kind: 'MeshService', name: pick(SERVICES) }], [{ kind: 'MeshService', labels: { team: 'x' } }]]);
  return {
    type: 'Dataplane',
    mesh,
    name: pick(['dp-0', 'dp-1', 'dp-2', 'dp-3', 'dp-4']),
    labels: pick([{}, { team: 'x' }, { team: 'y' }]),
    networking: {
      // Shared addresses (one endpoint, first zone wins) and names (notes in Dataplane order) make order matter.
      address: pick(['10.0.0.1', '10.0.0.1', '10.0.0.2', 'a.example.local', 'b.example.local']),
      inbound: inbounds,
      transparentProxying: { redirectPortInbound: 15006, redirectPortOutbound: 15001, ...(reachable === undefined ? {} : { reachableBackends: { refs: reachable } }) },
    },
  };
}

function flipHealth(pick: Pick, dataplanes: readonly Doc[]): Change | undefined {
  if (dataplanes.length === 0) return undefined;
  const dp = pick(dataplanes);
  const networking = dp.networking as { inbound: Record<string, unknown>[] };
  const i = Math.floor(pick([0, 0.5, 0.99]) * networking.inbound.length);
  const inbound = networking.inbound.map((x, j) => {
    if (j !== i) return x;
    const { state, ...rest } = x;
    return state === undefined ? { ...rest, state: 'NotReady' } : rest;
  });
  return { put: { ...dp, networking: { ...networking, inbound } } };
}

function meshService(pick: Pick, mesh: string): Doc {
  const name = pick(SERVICES);
  const selector = pick([{ dataplaneTags: { 'kuma.io/service': name } }, { dataplaneTags: { 'kuma.io/service': pick(SERVICES) } }, { dataplaneLabels: { matchLabels: { team: pick(['x', 'y']) } } }]);
  const first = { name: 'http', port: 8080, targetPort: pick<number | string>([8080, 'http', 9090]), appProtocol: pick(['http', 'grpc', 'tcp']) };
  const ports = pick([[first], [first, { port: 6379, targetPort: 6379, appProtocol: 'tcp' }]]);
  const vip = `241.0.${MESHES.indexOf(mesh as (typeof MESHES)[number])}.${pick([1, 2, 3, 4])}`;
  const addresses = pick([[], [{ hostname: `${name}.svc.mesh.local`, origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'local' } }]]);
  return {
    type: 'MeshService',
    mesh,
    name,
    labels: pick([{}, { team: 'x' }]),
    spec: { selector, ports, state: 'Available' },
    status: { vips: pick([[], [{ ip: vip }]]), addresses, dataplaneProxies: { connected: pick([0, 1, 2]), healthy: 0, total: 2 } },
  };
}

function proxyCountsOnly(pick: Pick, next: () => number, services: readonly Doc[]): Change | undefined {
  if (services.length === 0) return undefined;
  const ms = pick(services);
  const status = (ms.status ?? {}) as Record<string, unknown>;
  const n = Math.floor(next() * 100);
  return { put: { ...ms, status: { ...status, dataplaneProxies: { connected: n, healthy: n, total: n + 1 } } } };
}

/** A status rewrite of the VIPs or hostnames alone (what the VIP and hostname controllers do). */
function addressesOnly(pick: Pick, services: readonly Doc[]): Change | undefined {
  if (services.length === 0) return undefined;
  const ms = pick(services);
  const status = (ms.status ?? {}) as Record<string, unknown>;
  const change = pick([{ vips: [] }, { vips: [{ ip: pick(['241.0.5.1', '241.0.5.2']) }] }, { addresses: [] }, { addresses: [{ hostname: `${ms.name}.mesh`, origin: 'HostnameGenerator' }] }]);
  return { put: { ...ms, status: { ...status, ...change } } };
}

function syncedService(pick: Pick, mesh: string): Doc {
  return {
    type: 'MeshService',
    mesh,
    name: SYNCED,
    labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-2', 'kuma.io/display-name': 'backend' },
    spec: { selector: { dataplaneTags: { 'kuma.io/service': 'backend' } }, ports: [{ port: 8080, targetPort: 8080, appProtocol: 'http' }], state: pick(['Available', 'Unavailable']) },
    status: { vips: [{ ip: '241.0.9.1' }], dataplaneProxies: { connected: 0, healthy: 0, total: 0 } },
  };
}

/** With `appProtocol` given, a change of the status alone when one exists. */
function multiZoneService(pick: Pick, mesh: string, appProtocol = pick(['http', 'tcp'])): Doc {
  const refs = [
    { name: 'backend', namespace: '', zone: 'zone-1', mesh },
    { name: 'backend', namespace: '', zone: 'zone-2', mesh },
  ];
  return {
    type: 'MeshMultiZoneService',
    mesh,
    name: 'backend-mz',
    labels: { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'backend-mz' },
    spec: { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'backend' } } }, ports: [{ port: 8080, appProtocol }] },
    status: { vips: [{ ip: '243.0.0.1' }], meshServices: pick([refs, refs.slice(0, 1), refs.slice(1), []]) },
  };
}

function route(pick: Pick, mesh: string): Doc {
  const backendRefs = pick([
    [{ kind: 'MeshService', name: 'backend', port: 8080, weight: 90 }, { kind: 'MeshService', name: 'api', port: 8080, weight: 10 }],
    [{ kind: 'MeshService', name: 'redis', port: 8080 }],
    [{ kind: 'MeshService', labels: { team: 'x' }, port: 8080 }],
  ]);
  const rules = [{ matches: [{ path: { type: 'PathPrefix', value: pick(['/', '/v2']) } }], default: { backendRefs } }];
  return { type: 'MeshHTTPRoute', mesh, name: 'split', spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules }] } };
}

function routeStatusOnly(next: () => number, routes: readonly Doc[]): Change | undefined {
  const r = routes[0];
  if (r === undefined) return undefined;
  const condition = { type: 'ReferencesResolved', status: next() < 0.5 ? 'True' : 'False', reason: 'Fuzz', message: String(next()) };
  return { put: { ...r, status: { conditions: [condition] } } };
}

function timeout(pick: Pick, mesh: string): Doc {
  const to = pick([{ kind: 'Mesh' }, { kind: 'MeshService', name: 'backend' }]);
  return { type: 'MeshTimeout', mesh, name: 'timeouts', spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: to, default: { connectionTimeout: pick(['1s', '3s']), http: { requestTimeout: pick(['5s', '15s']) } } }] } };
}

function legacyVip(pick: Pick, next: () => number, mesh: string, service: string): Doc {
  const vip = `240.0.0.${[...SERVICES, 'gone'].indexOf(service) + pick([1, 10])}`;
  const hold = next() < 0.3 ? { releasedAt: '2026-01-01T00:00:00Z', heldUntil: `2026-01-0${pick([2, 3])}T00:00:00Z` } : {};
  return { type: 'LegacyVip', mesh, name: service, spec: { service, vip, ...hold } };
}

function zoneIngress(pick: Pick): Doc {
  const advertised = pick([{ advertisedAddress: '203.0.113.10', advertisedPort: 10001 }, { advertisedAddress: '203.0.113.11', advertisedPort: 10002 }, {}]);
  return { type: 'ZoneIngress', name: 'zi-2a', labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-2' }, networking: { address: '10.2.0.1', port: 10001, ...advertised } };
}

function flatEndpoints(pick: Pick, mesh: string): Doc {
  const endpoints = pick([[], [{ address: '10.20.0.1', port: 8080 }], [{ address: '10.20.0.1', port: 8080 }, { address: '10.20.0.2', port: 8080 }]]);
  return { type: FLAT_ENDPOINTS_TYPE, mesh, name: SYNCED, labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-2', 'kuma.io/display-name': 'backend' }, spec: { ports: [{ port: 8080, endpoints }] } };
}
