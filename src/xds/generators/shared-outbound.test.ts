/**
 * The outbound part shared by the proxies of one shape (shared-outbound.ts) and the layered
 * configs and snapshots made from it (profile.ts, proxy-sync.ts): over random meshes (reach by
 * reachableServices and reachableBackends refs of every form, Dataplanes of two zones, namespace
 * labels, policies selecting some proxies, bindToPort, both client kinds, inbounds at a
 * destination VIP) and over a random walk of store changes, every proxy's layered config equals
 * its flat config generated alone, and its layered snapshot the flat snapshot; proxies of one
 * shape share one part.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../test/support/seeded-random.js';
import { EncodingMemo } from '../envoy/encoding-memo.js';
import { RESOURCE_TYPES } from '../envoy/type-urls.js';
import { MeshContextCache } from '../mesh-context-cache.js';
import { ENVOY_CLIENT, type MeshContext, meshContextOf, nodeIdOf, type ProxyClient, type ProxyContext, PROXYLESS_CLIENT, proxyContextOf, type ResourceView } from '../proxy-context.js';
import { snapshotOfLayers } from '../proxy-sync.js';
import { applyChange, initialDocs, randomChange, storeWorld } from '../random-mesh-changes.js';
import { buildSnapshot, consistencyErrors, type XdsSnapshot } from '../snapshot.js';
import { FIXTURE_ADMISSION, resourceFromDocument, StaticView } from './input-fixtures.js';
import { generateFlatProxyConfig, generateProxyConfig, generateProxyLayers, type ProxyConfig } from './profile.js';

type Doc = Record<string, unknown>;
type Pick = <T>(xs: readonly T[]) => T;

const service = (name: string, vip: string | undefined, ports: readonly [number, string][], labels: Doc = {}): Doc => ({
  type: 'MeshService',
  mesh: 'default',
  name,
  labels,
  spec: { selector: { dataplaneTags: { 'kuma.io/service': name } }, ports: ports.map(([port, appProtocol]) => ({ name: `p${port}`, port, targetPort: port, appProtocol })) },
  status: { vips: vip === undefined ? [] : [{ ip: vip }], addresses: [{ hostname: `${name}.svc.mesh.local`, origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'local' } }] },
});

const dataplane = (name: string, address: string, svc: string, port: number, labels: Doc = {}, transparentProxying: Doc = {}): Doc => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  labels,
  networking: { address, inbound: [{ port, tags: { 'kuma.io/service': svc, 'kuma.io/protocol': 'http' } }], transparentProxying },
});

const policy = (type: string, name: string, targetRef: Doc, to: Doc, conf: Doc): Doc => ({ type, mesh: 'default', name, spec: { targetRef, to: [{ targetRef: to, ...conf }] } });

const REFS: readonly (Doc[] | undefined)[] = [
  undefined,
  undefined,
  [],
  [{ kind: 'MeshService', name: 'svc-a' }],
  [{ kind: 'MeshService', name: 'svc-a', port: 81 }],
  [{ kind: 'MeshService', labels: { team: 'x' } }],
  [{ kind: 'MeshService', name: 'svc-c', namespace: 'other' }, { kind: 'MeshService', name: 'svc-b' }],
  [{ kind: 'MeshExternalService', name: 'svc-b' }],
];

function randomMesh(pick: Pick): { docs: Doc[]; proxies: { name: string; client: ProxyClient }[] } {
  const docs: Doc[] = [{ type: 'Mesh', name: 'default', meshServices: { mode: pick(['Exclusive', 'Everywhere', 'ReachableBackends', 'Disabled']) } }];
  const legacy = pick<Record<string, string>>([{}, { 'svc-a': '240.0.0.1' }, { 'svc-a': '240.0.0.1', 'svc-b': '240.0.0.2', client: '240.0.0.9' }]);
  for (const [service, vip] of Object.entries(legacy)) docs.push({ type: 'LegacyVip', mesh: 'default', name: service, spec: { service, vip } });
  docs.push(service('svc-a', '241.0.0.1', [[80, 'http'], [81, 'grpc']], { team: 'x' }), service('svc-b', '241.0.0.2', [[90, 'tcp']], pick([{}, { team: 'x' }])));
  docs.push(service('svc-c', pick(['241.0.0.3', undefined]), [[80, 'http']]));
  docs.push(dataplane('a-1', '10.0.0.1', 'svc-a', 80), dataplane('b-1', '10.0.0.2', 'svc-b', 90), dataplane('c-1', '10.0.0.3', 'svc-c', 80));
  const top = (): Doc => pick([{ kind: 'Mesh' }, { kind: 'Dataplane', labels: { team: 'a' } }]);
  if (pick([true, false])) docs.push(policy('MeshTimeout', 't', top(), pick([{ kind: 'Mesh' }, { kind: 'MeshService', name: 'svc-a' }]), { default: { connectionTimeout: pick(['1s', '2s']) } }));
  if (pick([true, false])) {
    const backendRefs = [{ kind: 'MeshService', name: pick(['svc-c', 'svc-b']), port: pick([80, 90]) }];
    docs.push(policy('MeshHTTPRoute', 'h', top(), { kind: 'MeshService', name: 'svc-a' }, { rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/v2' } }], default: { backendRefs } }] }));
  }
  const proxies = Array.from({ length: 10 }, (_, i) => {
    // An inbound at a destination's VIP and port: that proxy gets no outbound there, so it cannot share.
    const [address, port] = pick([[`10.1.0.${i + 1}`, 9000], [`10.1.0.${i + 1}`, 9000], ['241.0.0.1', 81], ['240.0.0.2', 80], ['241.0.0.1', 9000]] as const);
    const refs = pick(REFS);
    const tp = {
      ...(pick([true, false]) ? { redirectPortOutbound: 15001 } : {}),
      ...(refs === undefined ? {} : { reachableBackends: { refs } }),
      ...pick([{}, {}, { reachableServices: ['svc-a'] }, { reachableServices: ['svc-b', 'svc-a'] }]),
    };
    const labels = { ...pick([{}, { team: 'a' }]), ...pick([{}, { 'k8s.kuma.io/namespace': 'other' }]) };
    // A Dataplane admitted in another zone reads a ref's name in that zone.
    docs.push({ ...dataplane(`p-${i}`, address, pick(['client', 'svc-a']), port, labels, tp), zone: pick(['zone-1', 'zone-1', 'zone-2']) });
    return { name: `p-${i}`, client: pick([ENVOY_CLIENT, ENVOY_CLIENT, PROXYLESS_CLIENT]) };
  });
  return { docs, proxies };
}

function contextOf(view: ResourceView, name: string, client: ProxyClient, meshContext: MeshContext | undefined): ProxyContext {
  const result = proxyContextOf(view, `default.${name}`, { client, ...(meshContext ? { meshContext } : {}) });
  if (!result.ok) throw new Error(result.reason);
  return result.context;
}

const plain = (c: ProxyConfig): unknown => ({ ...c, resources: c.resources.map((r) => [r.typeUrl, r.resource]) });

function snapshotFacts(s: XdsSnapshot): unknown {
  return {
    entries: RESOURCE_TYPES.map(({ typeUrl }) => [...s.resources(typeUrl).values()].map((e) => [e.name, e.hash])),
    versions: s.allVersions(),
    problems: s.buildProblems,
    errors: consistencyErrors(s),
  };
}

describe('layered proxy configs', () => {
  it('equal the flat config generated alone, and their snapshots the flat snapshot, over 60 random meshes', () => {
    const next = seededRandom(21);
    const pick: Pick = (xs) => xs[Math.floor(next() * xs.length)] as (typeof xs)[number];
    const memo = new EncodingMemo();
    let layered = 0;
    let flat = 0;
    for (let round = 0; round < 60; round++) {
      const { docs, proxies } = randomMesh(pick);
      const view = new StaticView(docs.map(({ zone, ...d }) => resourceFromDocument(d, { ...FIXTURE_ADMISSION, zone: typeof zone === 'string' ? zone : 'zone-1' })));
      const meshContext = meshContextOf(view, 'default');
      for (const p of [...proxies, ...[...proxies].reverse()]) {
        const want = generateFlatProxyConfig(contextOf(view, p.name, p.client, undefined));
        const ctx = contextOf(view, p.name, p.client, meshContext);
        const layers = generateProxyLayers(ctx);
        if (layers.shared === undefined) flat++;
        else layered++;
        const message = `round ${round}, ${p.name} ${p.client.proxyless ? 'grpc' : 'envoy'}\n${JSON.stringify(docs)}`;
        assert.deepEqual(plain(generateProxyConfig(ctx)), plain(want), message);
        assert.deepEqual([...layers.reached].sort(), [...new Set([...want.destinationKeys, ...want.backendKeys])].sort(), message);
        assert.deepEqual(snapshotFacts(snapshotOfLayers(layers, memo)), snapshotFacts(buildSnapshot(want.resources, memo)), message);
      }
    }
    assert.ok(layered > 500 && flat > 50, `layered ${layered}, flat ${flat}`);
  });

  it('equal the flat config through kept MeshContexts after each of 150 random store changes', async () => {
    const w = await storeWorld();
    for (const doc of initialDocs()) await applyChange(w, { put: doc });
    const kept = new MeshContextCache(w.cache);
    const next = seededRandom(5);
    let compared = 0;
    for (let step = 0; step < 150; step++) {
      const change = randomChange(next, w.docs);
      await applyChange(w, change);
      for (const dp of w.cache.list('Dataplane')) {
        for (const client of [ENVOY_CLIENT, PROXYLESS_CLIENT]) {
          const alone = proxyContextOf(w.cache, nodeIdOf(dp), { client });
          const shared = proxyContextOf(w.cache, nodeIdOf(dp), { client, meshContext: kept.contextOf(dp.mesh) });
          assert.ok(alone.ok && shared.ok);
          assert.deepEqual(plain(generateProxyConfig(shared.context)), plain(generateFlatProxyConfig(alone.context)), `step ${step} ${JSON.stringify(change)} ${dp.name}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 500, `only ${compared} compared`);
  });
});

describe('sharing the outbound part', () => {
  const docs: Doc[] = [
    { type: 'Mesh', name: 'default', meshServices: { mode: 'Exclusive' } },
    service('svc-a', '241.0.0.1', [[80, 'http'], [81, 'grpc']], { team: 'x' }),
    service('svc-b', '241.0.0.2', [[90, 'tcp']]),
    dataplane('a-1', '10.0.0.1', 'svc-a', 80),
    dataplane('b-1', '10.0.0.2', 'svc-b', 90),
    ...Array.from({ length: 20 }, (_, i) => dataplane(`p-${i}`, `10.1.0.${i + 1}`, 'client', 9000)),
    dataplane('narrow', '10.2.0.1', 'client', 9000, {}, { reachableBackends: { refs: [{ kind: 'MeshService', name: 'svc-b' }] } }),
    dataplane('at-vip', '241.0.0.2', 'client', 90),
  ];
  const view = new StaticView(docs.map((d) => resourceFromDocument(d)));
  const meshContext = meshContextOf(view, 'default');
  const layersOf = (name: string) => generateProxyLayers(contextOf(view, name, ENVOY_CLIENT, meshContext));

  it('gives every proxy of one shape the same part, and its snapshot layer', () => {
    const parts = new Set(Array.from({ length: 20 }, (_, i) => layersOf(`p-${i}`).shared));
    assert.equal(parts.size, 1);
    const [part] = parts;
    assert.ok(part !== undefined);
    assert.deepEqual(part.destinationKeys, ['msvc:svc-a', 'msvc:svc-b']);
    assert.equal(part.resources.length, 3 * 4 - 1, 'per port: listener, cluster, CLA, and a route configuration for the two HTTP-like ports');
    const narrow = layersOf('narrow').shared;
    assert.ok(narrow !== undefined && narrow !== part);
    assert.deepEqual(narrow.destinationKeys, ['msvc:svc-b']);
  });

  it('generates a proxy with an inbound at a destination VIP on its own', () => {
    const layers = layersOf('at-vip');
    assert.equal(layers.shared, undefined);
    const notes = layers.own.notes.filter((n) => n.reason.includes("one of the proxy's own inbound addresses"));
    assert.deepEqual(notes, [{ subject: 'msvc:svc-b', reason: "VIP 241.0.0.2:90 is one of the proxy's own inbound addresses; no outbound for it" }]);
  });
});
