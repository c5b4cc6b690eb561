import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { resourceFromDocument, resourcesFromYaml } from './generators/input-fixtures.js';
import { connect, dataplaneYaml, type Harness, harness as syncHarness, meshServiceYaml } from './proxy-sync-harness.js';

const BACKEND_CLA = 'default_backend__zone-1_msvc_8080';

const running: Harness[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.stop();
});

async function harness(yaml: string): Promise<Harness> {
  const h = await syncHarness(yaml);
  running.push(h);
  return h;
}

const meshService = meshServiceYaml;
const dataplane = dataplaneYaml;

const REACH_BACKEND = '  transparentProxying:\n    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: backend\n';
const REACH_NOTHING = '  transparentProxying:\n    reachableBackends:\n      refs: []\n';

/** 1 backend, 5 clients that reach it, 45 that reach nothing: 51 proxies, all connected. */
async function fiftyProxies(): Promise<Harness> {
  let yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n' + meshService('backend', '241.0.0.1');
  yaml += dataplane('backend-1', '10.0.0.11', 'backend');
  for (let i = 0; i < 50; i++) yaml += dataplane(`client-${i}`, `10.0.1.${i}`, `client-${i}`, i < 5 ? REACH_BACKEND : REACH_NOTHING);
  const h = await harness(yaml);
  connect(h, ...h.cache.list('Dataplane').map((dp) => `default.${dp.name}`));
  return h;
}


function endpointCount(h: Harness, nodeId: string, cla: string): number | undefined {
  const entry = h.snapshots.getSnapshot(nodeId)?.resources(TYPE_URL.clusterLoadAssignment).get(cla);
  if (entry === undefined) return undefined;
  const localities = (entry.resource.endpoints ?? []) as { lb_endpoints: unknown[] }[];
  return localities.reduce((n, l) => n + l.lb_endpoints.length, 0);
}

async function updateDataplane(h: Harness, name: string, change: (spec: DataplaneSpec) => DataplaneSpec): Promise<void> {
  const current = h.cache.get({ type: 'Dataplane', mesh: 'default', name }) as Resource<DataplaneSpec>;
  await h.store.update({ ...current, spec: change(current.spec) });
}

describe('ProxySync', () => {
  it('one endpoint change in a mesh of 50 proxies recomputes the 5 that reach the service and the changed proxy, not 50', async () => {
    const h = await fiftyProxies();
    assert.equal(h.sync.recomputations, 51, 'each connected proxy generated once on connect');
    assert.equal(endpointCount(h, 'default.client-0', BACKEND_CLA), 1);
    assert.equal(endpointCount(h, 'default.client-7', BACKEND_CLA), undefined, 'client-7 does not reach backend');
    const untouched = h.snapshots.getSnapshot('default.client-7');

    await updateDataplane(h, 'backend-1', (spec) => ({
      ...spec,
      networking: { ...spec.networking, inbound: (spec.networking?.inbound ?? []).map((i) => ({ ...i, state: 'NotReady' as const })) },
    }));
    h.sync.flush();

    assert.equal(h.sync.recomputations, 51 + 6);
    for (let i = 0; i < 5; i++) assert.equal(endpointCount(h, `default.client-${i}`, BACKEND_CLA), 0, `client-${i}`);
    assert.equal(h.snapshots.getSnapshot('default.client-7'), untouched);
  });

  it('deleting a backend Dataplane regenerates the proxies that reached it (delete events carry no previous)', async () => {
    const h = await fiftyProxies();
    await h.store.delete({ type: 'Dataplane', mesh: 'default', name: 'backend-1' });
    h.sync.flush();
    assert.equal(h.sync.recomputations, 51 + 6, 'the 5 clients that reach backend, and the deleted proxy (its snapshot is cleared)');
    assert.equal(h.snapshots.getSnapshot('default.backend-1'), undefined);
    for (let i = 0; i < 5; i++) assert.equal(endpointCount(h, `default.client-${i}`, BACKEND_CLA), 0, `client-${i}`);
  });

  it('a change batches: several events before the flush regenerate each affected proxy once', async () => {
    const h = await fiftyProxies();
    for (const address of ['10.0.0.21', '10.0.0.22', '10.0.0.23']) {
      await updateDataplane(h, 'backend-1', (spec) => ({ ...spec, networking: { ...spec.networking, address } }));
    }
    h.sync.flush();
    assert.equal(h.sync.recomputations, 51 + 6);
  });

  it('the scheduled flush runs by itself after a change', async () => {
    const h = await fiftyProxies();
    const done = new Promise<void>((resolve) => h.snapshots.watch('default.client-0', () => resolve()));
    await updateDataplane(h, 'backend-1', (spec) => ({ ...spec, networking: { ...spec.networking, address: '10.0.0.99' } }));
    await done;
    assert.equal(endpointCount(h, 'default.client-0', BACKEND_CLA), 1);
    const cla = h.snapshots.getSnapshot('default.client-0')?.resources(TYPE_URL.clusterLoadAssignment).get(BACKEND_CLA);
    assert.match(JSON.stringify(cla?.resource), /"10\.0\.0\.99"/);
  });

  it('a reconnecting node gets a snapshot again; a disconnected one is dropped', async () => {
    const h = await harness('type: Mesh\nname: default\n' + meshService('backend', '241.0.0.1') + dataplane('backend-1', '10.0.0.11', 'backend'));
    connect(h, 'default.backend-1');
    assert.ok(h.snapshots.getSnapshot('default.backend-1'));
    h.sync.onDisconnect('default.backend-1');
    assert.equal(h.snapshots.getSnapshot('default.backend-1'), undefined);
    assert.deepEqual(h.sync.connectedNodes, []);
    connect(h, 'default.backend-1');
    assert.ok(h.snapshots.getSnapshot('default.backend-1')?.resources(TYPE_URL.listener).has('outbound:241.0.0.1:8080'));
    assert.equal(h.sync.recomputations, 2);
  });

  it('a second stream of a connected node does not regenerate; the node stays until its last stream closes', async () => {
    const h = await harness('type: Mesh\nname: default\n' + dataplane('backend-1', '10.0.0.11', 'backend'));
    connect(h, 'default.backend-1', 'default.backend-1');
    assert.equal(h.sync.recomputations, 1);
    h.sync.onDisconnect('default.backend-1');
    assert.ok(h.snapshots.getSnapshot('default.backend-1'));
    h.sync.onDisconnect('default.backend-1');
    assert.equal(h.snapshots.getSnapshot('default.backend-1'), undefined);
  });

  it('a node connected before its Dataplane exists gets a snapshot when the Dataplane is created', async () => {
    const h = await harness('type: Mesh\nname: default\n');
    connect(h, 'default.late');
    assert.equal(h.snapshots.getSnapshot('default.late'), undefined);
    await h.store.create(resourceFromDocument({ type: 'Dataplane', mesh: 'default', name: 'late', networking: { address: '10.0.0.5', inbound: [{ port: 80, tags: { 'kuma.io/service': 'late' } }] } }));
    h.sync.flush();
    assert.ok(h.snapshots.getSnapshot('default.late')?.resources(TYPE_URL.listener).has('inbound:10.0.0.5:80'));
  });

  it('a mode change of the Mesh regenerates every proxy of that mesh and no other', async () => {
    const yaml =
      'type: Mesh\nname: default\n---\ntype: Mesh\nname: other\n' +
      dataplane('a', '10.0.0.1', 'a') +
      dataplane('b', '10.0.0.2', 'b') +
      dataplane('c', '10.0.0.3', 'c').replace('mesh: default', 'mesh: other');
    const h = await harness(yaml);
    connect(h, 'default.a', 'default.b', 'other.c');
    const mesh = h.cache.get({ type: 'Mesh', mesh: '', name: 'default' }) as Resource;
    await h.store.update({ ...mesh, spec: { meshServices: { mode: 'Exclusive' } } });
    h.sync.flush();
    assert.equal(h.sync.recomputations, 3 + 2);
  });

  it('a new MeshService reaches the proxies that may reach it; a proxy with `refs: []` is not regenerated', async () => {
    const yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Everywhere\n' + dataplane('open', '10.0.0.1', 'open') + dataplane('closed', '10.0.0.2', 'closed', REACH_NOTHING);
    const h = await harness(yaml);
    connect(h, 'default.open', 'default.closed');
    const [created] = resourcesFromYaml(meshService('backend', '241.0.0.7'));
    assert.ok(created);
    await h.store.create(created);
    h.sync.flush();
    assert.equal(h.sync.recomputations, 2 + 1);
    assert.ok(h.snapshots.getSnapshot('default.open')?.resources(TYPE_URL.listener).has('outbound:241.0.0.7:8080'));
  });

  it('a MeshService update that only changes status.dataplaneProxies regenerates nothing', async () => {
    const h = await harness('type: Mesh\nname: default\n' + meshService('backend', '241.0.0.1') + dataplane('backend-1', '10.0.0.11', 'backend'));
    connect(h, 'default.backend-1');
    const ms = h.cache.get({ type: 'MeshService', mesh: 'default', name: 'backend' }) as Resource;
    await h.store.update({ ...ms, status: { ...(ms.status as object), dataplaneProxies: { total: 1, healthy: 1, connected: 1 } } });
    h.sync.flush();
    assert.equal(h.sync.recomputations, 1);
  });

  describe('routes and policies', () => {
    const ROUTE_TO_V2 = `---
type: MeshHTTPRoute
mesh: default
name: to-v2
spec:
  targetRef:
    kind: Dataplane
    name: client-0
  to:
  - targetRef:
      kind: MeshService
      name: backend
    rules:
    - default:
        backendRefs:
        - kind: MeshService
          name: backend-v2
          port: 8080
`;

    function routeOf(h: Harness, nodeId: string): string {
      const entry = h.snapshots.getSnapshot(nodeId)?.resources(TYPE_URL.routeConfiguration).get('kri_msvc_default_zone-1__backend_8080');
      return JSON.stringify(entry?.resource ?? null);
    }

    it('a MeshTimeout selecting one Dataplane regenerates that proxy only; a status-only write of it regenerates nothing', async () => {
      const h = await fiftyProxies();
      const [timeout] = resourcesFromYaml(
        '---\ntype: MeshTimeout\nmesh: default\nname: slow\nspec:\n  targetRef:\n    kind: Dataplane\n    name: client-3\n  to:\n  - targetRef:\n      kind: Mesh\n    default:\n      http:\n        requestTimeout: 2s\n',
      );
      assert.ok(timeout);
      await h.store.create(timeout);
      h.sync.flush();
      assert.equal(h.sync.recomputations, 51 + 1);
      assert.match(routeOf(h, 'default.client-3'), /"timeout":\{"seconds":2\}/);
      assert.doesNotMatch(routeOf(h, 'default.client-4'), /"timeout"/);
      const stored = h.cache.get({ type: 'MeshTimeout', mesh: 'default', name: 'slow' }) as Resource;
      await h.store.update({ ...stored, status: { conditions: [] } });
      h.sync.flush();
      assert.equal(h.sync.recomputations, 51 + 1);
    });

    it('a backendRef that starts resolving regenerates the proxies of its route, which then watch the new destination too', async () => {
      const h = await fiftyProxies();
      const [route] = resourcesFromYaml(ROUTE_TO_V2);
      assert.ok(route);
      await h.store.create(route);
      h.sync.flush();
      assert.equal(h.sync.recomputations, 51 + 1, 'only client-0 is selected by the route');
      assert.match(routeOf(h, 'default.client-0'), /"direct_response"/, 'backend-v2 does not exist yet: 503');

      for (const r of resourcesFromYaml(meshService('backend-v2', '241.0.0.2') + dataplane('backend-v2-1', '10.0.0.12', 'backend-v2'))) await h.store.create(r);
      h.sync.flush();
      assert.match(routeOf(h, 'default.client-0'), /"cluster":"default_backend-v2__zone-1_msvc_8080"/);
      assert.equal(endpointCount(h, 'default.client-0', 'default_backend-v2__zone-1_msvc_8080'), 1);
      assert.equal(endpointCount(h, 'default.client-1', 'default_backend-v2__zone-1_msvc_8080'), undefined, 'client-1 reaches only backend');

      const before = h.sync.recomputations;
      await updateDataplane(h, 'backend-v2-1', (spec) => ({ ...spec, networking: { ...spec.networking, address: '10.0.0.13' } }));
      h.sync.flush();
      assert.equal(h.sync.recomputations, before + 2, 'client-0 through its route, and backend-1, which reaches every MeshService');
      const cla = h.snapshots.getSnapshot('default.client-0')?.resources(TYPE_URL.clusterLoadAssignment).get('default_backend-v2__zone-1_msvc_8080');
      assert.match(JSON.stringify(cla?.resource), /"10\.0\.0\.13"/);
    });
  });
});
