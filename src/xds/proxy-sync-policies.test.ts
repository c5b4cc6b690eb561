/**
 * ProxySync and routes/policies that act through `to` entries (hotspot 5): a change regenerates
 * the proxies its top-level targetRef selects only where they reach (or route to) a destination
 * one of its `to` refs may name, before or after the change; `to: Mesh`, `from` entries and the
 * like still regenerate every selected proxy. Each test says which proxies, by name, and checks
 * the config they got.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { resourcesFromYaml } from './generators/input-fixtures.js';
import { connect, dataplaneYaml, type Harness, harness, meshServiceYaml, reaching } from './proxy-sync-harness.js';

const running: Harness[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.stop();
});

const BACKEND_ROUTE = 'kri_msvc_default_zone-1__backend_8080';
const OTHER_ROUTE = 'kri_msvc_default_zone-1__other_8080';
const OTHER_CLUSTER = 'default_other__zone-1_msvc_8080';
const clients = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `default.client-${from + i}`).sort();

/** 50 clients: 0-4 reach backend, 5-7 reach other, the rest nothing; backend-1 reaches nothing either. */
async function mesh(): Promise<Harness> {
  let yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n';
  yaml += meshServiceYaml('backend', '241.0.0.1', 'labels:\n  team: payments\n') + meshServiceYaml('other', '241.0.0.2');
  yaml += dataplaneYaml('backend-1', '10.0.0.11', 'backend', reaching());
  for (let i = 0; i < 50; i++) yaml += dataplaneYaml(`client-${i}`, `10.0.1.${i}`, `client-${i}`, i < 5 ? reaching('backend') : i < 8 ? reaching('other') : reaching());
  const h = await harness(yaml);
  running.push(h);
  connect(h, ...h.cache.list('Dataplane').map((dp) => `default.${dp.name}`));
  h.regenerated();
  h.view.reset();
  return h;
}

async function put(h: Harness, yaml: string, change?: (r: Resource) => Resource): Promise<void> {
  for (const r of resourcesFromYaml(yaml)) {
    const current = h.cache.get(r);
    const next = change ? change(r) : r;
    if (current === undefined) await h.store.create(next);
    else await h.store.update({ ...next, version: current.version });
  }
  h.sync.flush();
}

function timeout(name: string, top: string, to: string): string {
  return `---\ntype: MeshTimeout\nmesh: default\nname: ${name}\nspec:\n  targetRef:\n${top}  to:\n${to}`;
}
const MESH = '    kind: Mesh\n';
const toService = (name: string, seconds = 2): string => `  - targetRef:\n      kind: MeshService\n      name: ${name}\n    default:\n      http:\n        requestTimeout: ${seconds}s\n`;

function route(to: string, backend: string): string {
  return `---
type: MeshHTTPRoute
mesh: default
name: split
spec:
  targetRef:
    kind: Mesh
  to:
  - targetRef:
      kind: MeshService
      name: ${to}
    rules:
    - matches:
      - path:
          type: PathPrefix
          value: /v2
      default:
        backendRefs:
        - kind: MeshService
          name: ${backend}
          port: 8080
`;
}

function resourceOf(h: Harness, nodeId: string, typeUrl: string, name: string): string {
  return JSON.stringify(h.snapshots.getSnapshot(nodeId)?.resources(typeUrl).get(name)?.resource ?? null);
}

describe('ProxySync: routes and policies regenerate the proxies that reach their `to` destinations', () => {
  it('a MeshTimeout `targetRef: Mesh, to: MeshService backend` regenerates the 5 proxies that reach backend, of 51', async () => {
    const h = await mesh();
    const before = h.sync.recomputations;
    const otherSnapshot = h.snapshots.getSnapshot('default.client-5');
    await put(h, timeout('slow', MESH, toService('backend')));
    assert.deepEqual(h.regenerated(), clients(0, 5));
    assert.equal(h.sync.recomputations, before + 5);
    assert.match(resourceOf(h, 'default.client-0', TYPE_URL.routeConfiguration, BACKEND_ROUTE), /"timeout":\{"seconds":2\}/);
    assert.equal(h.snapshots.getSnapshot('default.client-5'), otherSnapshot);
    assert.equal(h.view.listsOf('MeshService'), 0, 'a `to` ref by name is looked up by display name, not by listing the services');
  });

  it('retargeting a policy regenerates the reachers of the old and the new destination', async () => {
    const h = await mesh();
    await put(h, timeout('slow', MESH, toService('backend')));
    h.regenerated();
    await put(h, timeout('slow', MESH, toService('other', 3)));
    assert.deepEqual(h.regenerated(), clients(0, 8));
    assert.doesNotMatch(resourceOf(h, 'default.client-0', TYPE_URL.routeConfiguration, BACKEND_ROUTE), /"timeout"/);
    assert.match(resourceOf(h, 'default.client-5', TYPE_URL.routeConfiguration, OTHER_ROUTE), /"timeout":\{"seconds":3\}/);
    await h.store.delete({ type: 'MeshTimeout', mesh: 'default', name: 'slow' });
    h.sync.flush();
    assert.deepEqual(h.regenerated(), clients(5, 8));
    assert.doesNotMatch(resourceOf(h, 'default.client-5', TYPE_URL.routeConfiguration, OTHER_ROUTE), /"timeout"/);
  });

  it('narrows to the selected proxies among the reachers: a Dataplane targetRef on a proxy that does not reach backend regenerates nothing', async () => {
    const h = await mesh();
    await put(h, timeout('one', '    kind: Dataplane\n    name: client-3\n', toService('backend')));
    assert.deepEqual(h.regenerated(), ['default.client-3']);
    await put(h, timeout('none', '    kind: Dataplane\n    name: client-9\n', toService('backend')));
    assert.deepEqual(h.regenerated(), []);
  });

  it('a `to` ref by labels regenerates the reachers of the services carrying them', async () => {
    const h = await mesh();
    const to = '  - targetRef:\n      kind: MeshService\n      labels:\n        team: payments\n    default:\n      http:\n        requestTimeout: 4s\n';
    await put(h, timeout('by-labels', MESH, to));
    assert.deepEqual(h.regenerated(), clients(0, 5));
    assert.match(resourceOf(h, 'default.client-1', TYPE_URL.routeConfiguration, BACKEND_ROUTE), /"timeout":\{"seconds":4\}/);
  });

  it('`to: Mesh`, or a `from` entry, regenerates every selected proxy as before', async () => {
    const h = await mesh();
    const all = h.sync.connectedNodes;
    await put(h, timeout('everywhere', MESH, '  - targetRef:\n      kind: Mesh\n    default:\n      http:\n        requestTimeout: 5s\n'));
    assert.deepEqual(h.regenerated(), all);
    assert.match(resourceOf(h, 'default.client-6', TYPE_URL.routeConfiguration, OTHER_ROUTE), /"timeout":\{"seconds":5\}/);
    await put(h, timeout('inbound', MESH, toService('backend')), (r) => ({ ...r, spec: { ...(r.spec as object), from: [{ targetRef: { kind: 'Mesh' }, default: {} }] } }));
    assert.deepEqual(h.regenerated(), all);
  });

  it('a route sends the reachers of its `to` service to a backendRef; that backend`s policies then reach them too', async () => {
    const h = await mesh();
    await put(h, route('backend', 'other'));
    assert.deepEqual(h.regenerated(), clients(0, 5));
    assert.match(resourceOf(h, 'default.client-0', TYPE_URL.routeConfiguration, BACKEND_ROUTE), new RegExp(`"cluster":"${OTHER_CLUSTER}"`));

    const connection = '  - targetRef:\n      kind: MeshService\n      name: other\n    default:\n      connectionTimeout: 7s\n';
    await put(h, timeout('connect', MESH, connection));
    assert.deepEqual(h.regenerated(), clients(0, 8), 'clients 0-4 route to other, 5-7 reach it');
    assert.match(resourceOf(h, 'default.client-0', TYPE_URL.cluster, OTHER_CLUSTER), /"connect_timeout":\{"seconds":7\}/);

    await put(h, route('other', 'backend'));
    assert.deepEqual(h.regenerated(), clients(0, 8), 'the route moves from backend`s reachers to other`s');
    assert.doesNotMatch(resourceOf(h, 'default.client-0', TYPE_URL.routeConfiguration, BACKEND_ROUTE), /"cluster":"default_other/);
  });

  it('a MeshService a `targetRef: Mesh` route sends to regenerates the reachers of the route`s `to` service, not the mesh', async () => {
    const h = await mesh();
    await put(h, route('backend', 'later'));
    assert.deepEqual(h.regenerated(), clients(0, 5));
    assert.match(resourceOf(h, 'default.client-0', TYPE_URL.routeConfiguration, BACKEND_ROUTE), /"direct_response"/, 'later does not exist yet: 503');
    await put(h, meshServiceYaml('later', '241.0.0.3'));
    assert.deepEqual(h.regenerated(), clients(0, 5));
    assert.match(resourceOf(h, 'default.client-0', TYPE_URL.routeConfiguration, BACKEND_ROUTE), /"cluster":"default_later__zone-1_msvc_8080"/);
  });
});
