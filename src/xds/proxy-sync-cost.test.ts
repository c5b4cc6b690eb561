/**
 * What ProxySync's own work costs, counted (docs/performance.md hotspots 1 and 2): with no proxy
 * connected a store event reads nothing; a Dataplane event finds the MeshServices selecting it and
 * the MeshMultiZoneServices over those through indexes, never by listing them; a ZoneIngress finds
 * its zone's services the same way; connects of one event-loop turn share one batch and one
 * MeshContext per mesh.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { resourceFromDocument, resourcesFromYaml } from './generators/input-fixtures.js';
import { connect, dataplaneYaml, ENVOY_NODE, type Harness, harness, meshServiceYaml, reaching } from './proxy-sync-harness.js';

const running: Harness[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.stop();
});

const MZS = `---
type: MeshMultiZoneService
mesh: default
name: backend-everywhere
labels:
  kuma.io/origin: global
spec:
  selector:
    meshService:
      matchLabels:
        kuma.io/display-name: backend
  ports:
  - port: 8080
    appProtocol: http
status:
  meshServices:
  - name: backend
    mesh: default
  vips:
  - ip: 242.0.0.1
`;
const REACH_MZS = '  transparentProxying:\n    reachableBackends:\n      refs:\n      - kind: MeshMultiZoneService\n        name: backend-everywhere\n';

/** 200 MeshServices, a backend Dataplane, clients 0-2 reaching backend, 3 the MMZS over it, 4-9 nothing. */
async function meshOf200Services(): Promise<Harness> {
  let yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n' + meshServiceYaml('backend', '241.0.0.1') + MZS;
  for (let i = 0; i < 199; i++) yaml += meshServiceYaml(`svc-${i}`, `241.0.1.${i % 250}`);
  yaml += dataplaneYaml('backend-1', '10.0.0.11', 'backend', reaching());
  for (let i = 0; i < 10; i++) yaml += dataplaneYaml(`client-${i}`, `10.0.1.${i}`, `client-${i}`, i < 3 ? reaching('backend') : i === 3 ? REACH_MZS : reaching());
  const h = await harness(yaml);
  running.push(h);
  return h;
}

async function moveDataplane(h: Harness, name: string, address: string): Promise<void> {
  const current = h.cache.get({ type: 'Dataplane', mesh: 'default', name }) as Resource<DataplaneSpec>;
  await h.store.update({ ...current, spec: { ...current.spec, networking: { ...current.spec.networking, address } } });
}

/** Resolves when every node has a snapshot; rejects after `ms` (a deadline, not a sleep). */
function snapshotsOf(h: Harness, nodeIds: readonly string[], ms = 5_000): Promise<void> {
  const waits = nodeIds.map((id) => new Promise<void>((resolve) => (h.snapshots.getSnapshot(id) ? resolve() : h.snapshots.watch(id, () => resolve()))));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no snapshot before the deadline')), ms)));
  return Promise.race([Promise.all(waits).then(() => undefined), deadline]).finally(() => clearTimeout(timer));
}

describe('ProxySync costs', () => {
  it('with no proxy connected, store events read nothing and build no MeshContext', async () => {
    const h = await meshOf200Services();
    h.view.reset();
    await moveDataplane(h, 'backend-1', '10.0.0.12');
    await h.store.delete({ type: 'Dataplane', mesh: 'default', name: 'client-9' });
    for (const r of resourcesFromYaml(meshServiceYaml('late', '241.0.0.9') + dataplaneYaml('late-1', '10.0.0.99', 'late'))) await h.store.create(r);
    h.sync.flush();
    assert.equal(h.view.reads, 0);
    assert.deepEqual(h.contexts.calls, []);
  });

  it('a Dataplane event lists no MeshService or MeshMultiZoneService, and still reaches the MMZS`s proxies', async () => {
    const h = await meshOf200Services();
    connect(h, ...h.cache.list('Dataplane').map((dp) => `default.${dp.name}`));
    h.regenerated();
    h.view.reset();
    await moveDataplane(h, 'backend-1', '10.0.0.12');
    assert.equal(h.view.listsOf('MeshService'), 0);
    assert.equal(h.view.listsOf('MeshMultiZoneService'), 0);
    assert.equal(h.view.reads, 0, 'nothing at all: the Dataplane event itself says what changed');
    h.sync.flush();
    assert.deepEqual(h.regenerated(), ['default.backend-1', 'default.client-0', 'default.client-1', 'default.client-2', 'default.client-3']);
    const cla = h.snapshots.getSnapshot('default.client-0')?.resources(TYPE_URL.clusterLoadAssignment).get('default_backend__zone-1_msvc_8080');
    assert.match(JSON.stringify(cla?.resource), /"10\.0\.0\.12"/);
  });

  it('a ZoneIngress event finds the services synced from its zone without listing the MeshServices', async () => {
    const h = await meshOf200Services();
    connect(h, 'default.client-0');
    h.view.reset();
    await h.store.create(resourceFromDocument({ type: 'ZoneIngress', name: 'zi-2', labels: { 'kuma.io/zone': 'zone-2', 'kuma.io/origin': 'global' }, zone: 'zone-2', networking: { address: '10.9.0.1', port: 10001, advertisedAddress: '10.9.0.1', advertisedPort: 10001 } }));
    assert.equal(h.view.listsOf('MeshService'), 0);
  });

  it('20 connects in one event-loop turn are generated in one batch with one MeshContext', async () => {
    const h = await meshOf200Services();
    const nodes = h.cache.list('Dataplane').map((dp) => `default.${dp.name}`);
    let yaml = '';
    for (let i = 0; i < 9; i++) yaml += dataplaneYaml(`extra-${i}`, `10.0.2.${i}`, 'extra').replace('mesh: default', 'mesh: other');
    for (const r of resourcesFromYaml('type: Mesh\nname: other\n' + yaml)) await h.store.create(r);
    const others = Array.from({ length: 9 }, (_, i) => `other.extra-${i}`);
    for (const id of [...nodes, ...others]) h.sync.onConnect(id, ENVOY_NODE);
    assert.equal(nodes.length + others.length, 20);
    assert.deepEqual(h.contexts.calls, [], 'nothing is generated inside the connect hook');
    await snapshotsOf(h, [...nodes, ...others]);
    assert.deepEqual([...h.contexts.calls].sort(), ['default', 'other'], 'one MeshContext per mesh for the whole batch');
    assert.equal(h.sync.recomputations, 20);
  });

  it('a change batch asks the MeshContextSource once per mesh', async () => {
    const h = await meshOf200Services();
    connect(h, ...h.cache.list('Dataplane').map((dp) => `default.${dp.name}`));
    h.contexts.calls = [];
    const mesh = h.cache.get({ type: 'Mesh', mesh: '', name: 'default' }) as Resource;
    await h.store.update({ ...mesh, spec: { meshServices: { mode: 'Everywhere' } } });
    h.sync.flush();
    assert.equal(h.regenerated().length, 11);
    assert.deepEqual(h.contexts.calls, ['default']);
  });
});
