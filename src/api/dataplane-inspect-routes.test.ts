/**
 * `_destinations` and `_config` of a Dataplane, and the reference check on PUT, on a real API
 * server (127.0.0.1, port 0) over a MemoryStore, a ResourceCache, ProxySync and a SnapshotCache.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { sourcePath } from '../../test/support/golden.js';
import { ResourceCache } from '../controllers/resource-cache.js';
import { ResourceManager } from '../manager/resource-manager.js';
import { referenceChecker } from '../policies/apply-check.js';
import { MemoryStore } from '../store/memory-store.js';
import { SnapshotCache } from '../xds/cache.js';
import { TYPE_URL } from '../xds/envoy/type-urls.js';
import { FIXTURE_ADMISSION, resourcesFromYaml } from '../xds/generators/input-fixtures.js';
import { XDS_INPUT_KINDS } from '../xds/proxy-context.js';
import { ProxySync } from '../xds/proxy-sync.js';
import { dataplaneInspectorOf } from './dataplane-inspect-routes.js';
import { type ApiServer, startApiServer } from './server.js';

const FIXTURE = sourcePath(import.meta.url, '../xds/generators/testdata/route-split/resources.input.yaml');

describe('dataplane inspect routes', () => {
  const store = new MemoryStore();
  const cache = new ResourceCache({ store, types: XDS_INPUT_KINDS });
  const snapshots = new SnapshotCache();
  const sync = new ProxySync({ cache, snapshots, logger: pino({ level: 'silent' }) });
  let server: ApiServer;
  let global: ApiServer;

  const get = async (base: ApiServer, path: string) => {
    const res = await fetch(`${base.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    for (const r of resourcesFromYaml(readFileSync(FIXTURE, 'utf8'))) await store.create(r);
    await cache.start();
    sync.start();
    sync.onConnect('default.web', { id: 'default.web', user_agent_name: 'envoy' });
    snapshots.report('default.web', { kind: 'opened', streamId: 1, protocol: 'sotw' });
    snapshots.report('default.web', { kind: 'nack', streamId: 1, typeUrl: TYPE_URL.routeConfiguration, version: 'v1', message: 'route: unknown cluster' });
    const manager = new ResourceManager({ store, admission: FIXTURE_ADMISSION, referenceCheck: referenceChecker(store) });
    const common = { manager, store, admission: FIXTURE_ADMISSION, logger: pino({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1 << 20, version: 'test', config: {} };
    server = await startApiServer({ ...common, dataplaneInspector: dataplaneInspectorOf({ view: cache, snapshots, clientOf: (id) => sync.clientOf(id) }) });
    global = await startApiServer(common);
  });

  after(async () => {
    sync.stop();
    cache.stop();
    await server.close();
    await global.close();
  });

  it('_destinations lists what the proxy reaches and what only its route sends to, with the split', async () => {
    const { status, body } = await get(server, '/meshes/default/dataplanes/web/_destinations');
    assert.equal(status, 200);
    assert.equal(body.client, 'envoy');
    const destinations = body.destinations as { kind: string; name: string; via: string; vips: string[]; ports: { endpoints: number; listeners: string[]; routes: { from: string; backends: { weight: number; target: string }[] }[] }[] }[];
    assert.deepEqual(
      destinations.map((d) => [d.kind, d.name, d.via]),
      [
        ['MeshService', 'backend', 'reachable'],
        ['MeshService', 'backend-v2', 'backendRef'],
      ],
    );
    const [backend, v2] = destinations;
    assert.deepEqual(backend?.ports[0]?.listeners, ['outbound:241.0.0.1:8080']);
    assert.equal(backend?.ports[0]?.endpoints, 1);
    assert.deepEqual(backend?.ports[0]?.routes, [
      {
        name: 'kri_mhttpr_default_zone-1__backend-split_',
        from: 'MeshHTTPRoute/backend-split',
        match: 'PathPrefix /',
        backends: [
          { weight: 90, target: 'MeshService/backend:grpc', cluster: 'default_backend__zone-1_msvc_8080' },
          { weight: 10, target: 'MeshService/backend-v2:grpc', cluster: 'default_backend-v2__zone-1_msvc_8080' },
        ],
      },
    ]);
    assert.deepEqual(v2?.ports[0]?.listeners, [], 'no listener: web does not reach backend-v2 itself');
  });

  it('_config of a connected proxy: what the ADS server serves, its versions, and the last NACK', async () => {
    const { status, body } = await get(server, '/meshes/default/dataplanes/web/_config');
    assert.equal(status, 200);
    assert.equal(body.source, 'snapshot');
    const xds = body.xds as { connectedStreams: number; totals: { nacks: number }; lastNack: { type: string; message: string } };
    assert.equal(xds.connectedStreams, 1);
    assert.equal(xds.totals.nacks, 1);
    assert.deepEqual([xds.lastNack.type, xds.lastNack.message], ['RDS', 'route: unknown cluster']);
    const resources = body.resources as Record<string, { name?: string }[]>;
    assert.deepEqual(resources.routes?.map((r) => r.name), ['kri_msvc_default_zone-1__backend_grpc']);
    assert.equal(Object.keys(body.versions as object).sort().join(','), 'CDS,EDS,LDS,RDS');
  });

  it('_config of a proxy that is not connected is generated, for the client kind asked for', async () => {
    const { status, body } = await get(server, '/meshes/default/dataplanes/grpc-client/_config?client=proxyless');
    assert.equal(status, 200);
    assert.deepEqual([body.source, body.client, body.xds], ['generated', 'proxyless', null]);
    const listeners = (body.resources as Record<string, { name: string; api_listener?: unknown }[]>).listeners ?? [];
    assert.deepEqual(listeners.map((l) => [l.name, l.api_listener !== undefined]), [
      ['backend.svc.mesh.local:8080', true],
      ['241.0.0.1:8080', true],
    ]);
  });

  it('404 for an unknown Dataplane or mesh, 400 for an unknown client kind, 405 on a control plane without xDS', async () => {
    assert.equal((await get(server, '/meshes/default/dataplanes/nope/_destinations')).status, 404);
    assert.equal((await get(server, '/meshes/nope/dataplanes/web/_config')).status, 404);
    const bad = await get(server, '/meshes/default/dataplanes/web/_config?client=istio');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.invalid_parameters, [{ field: 'client', reason: 'must be one of: envoy, proxyless; got "istio"' }]);
    const onGlobal = await get(global, '/meshes/default/dataplanes/web/_destinations');
    assert.equal(onGlobal.status, 405);
  });

  it('PUT: a dangling backendRef is stored with a warning; a port the named service lacks is refused and nothing is stored', async () => {
    const route = (name: string, backendRef: Record<string, unknown>) => ({
      type: 'MeshHTTPRoute',
      mesh: 'default',
      name,
      spec: { to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules: [{ default: { backendRefs: [backendRef] } }] }] },
    });
    const put = (body: object & { name: string }) =>
      fetch(`${server.url}/meshes/default/meshhttproutes/${body.name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const warned = await put(route('to-v3', { kind: 'MeshService', name: 'backend-v3', port: 8080 }));
    assert.equal(warned.status, 201);
    assert.deepEqual(await warned.json(), {
      warnings: [
        "spec.to[0].rules[0].default.backendRefs[0]: MeshService 'backend-v3' does not exist in mesh 'default'; until it resolves, the traffic it would get fails (503 / UNAVAILABLE) instead of going elsewhere",
      ],
    });
    const refused = await put(route('bad-port', { kind: 'MeshService', name: 'backend-v2', sectionName: 'http' }));
    assert.equal(refused.status, 400);
    const problem = (await refused.json()) as { invalid_parameters: { field: string; reason: string }[] };
    assert.deepEqual(problem.invalid_parameters.map((p) => p.field), ['spec.to[0].rules[0].default.backendRefs[0].sectionName']);
    assert.equal(await store.get({ type: 'MeshHTTPRoute', mesh: 'default', name: 'bad-port' }), undefined);
  });
});
