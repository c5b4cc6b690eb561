/** Index, catalogue, KRI lookup, insights, overviews, config and metrics on a real server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from './api-harness.js';

const dataplane = (name: string, networking: Record<string, unknown>): Record<string, unknown> => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking,
});

describe('inspect and GUI endpoints', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ zone: 'zone-1', config: { apiServer: { port: 5681 }, mode: 'zone' } });
    const puts: [string, unknown][] = [
      ['/meshes/default/meshservices/redis', {
        type: 'MeshService', name: 'redis', mesh: 'default',
        spec: { selector: { dataplaneTags: { 'kuma.io/service': 'redis' } }, ports: [{ port: 6379 }] },
      }],
      ['/meshes/default/dataplanes/redis-1', dataplane('redis-1', {
        address: '127.0.0.2',
        inbound: [{ port: 6379, tags: { 'kuma.io/service': 'redis' } }],
      })],
      ['/meshes/default/dataplanes/gw-1', dataplane('gw-1', {
        address: '127.0.0.3',
        gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } },
      })],
      ['/zones/zone-2', { type: 'Zone', name: 'zone-2' }],
      ['/meshes/payments', { type: 'Mesh', name: 'payments' }],
    ];
    for (const [path, body] of puts) {
      const r = await h.request('PUT', path, body);
      assert.equal(r.status, 201, `${path}: ${r.text}`);
    }
  });
  after(async () => h.close());

  it('GET / describes the control plane', async () => {
    const body = (await h.request('GET', '/')).json as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['product', 'version', 'basedOnKuma', 'mode', 'zone', 'hostname', 'instanceId']);
    assert.deepEqual([body.product, body.version, body.basedOnKuma, body.mode, body.zone], ['Meshplane', '0.0.0-test', '2.9', 'zone', 'zone-1']);
    assert.equal(typeof body.hostname, 'string');
    assert.match(String(body.instanceId), new RegExp(`^${String(body.hostname)}-[0-9a-f]{4}$`));
  });

  it('/_resources lists every kind in Kuma shape, sorted by name', async () => {
    const { resources } = (await h.request('GET', '/_resources')).json as { resources: Record<string, unknown>[] };
    const names = resources.map((r) => r.name);
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(resources.find((r) => r.name === 'MeshService'), {
      includeInFederation: false,
      name: 'MeshService',
      path: 'meshservices',
      pluralDisplayName: 'Mesh Services',
      readOnly: false,
      scope: 'Mesh',
      shortName: 'msvc',
      singularDisplayName: 'Mesh Service',
    });
    const mmzs = resources.find((r) => r.name === 'MeshMultiZoneService');
    assert.deepEqual([mmzs?.shortName, mmzs?.includeInFederation, mmzs?.pluralDisplayName], ['mzsvc', true, 'Mesh Multi Zone Services']);
    const hg = resources.find((r) => r.name === 'HostnameGenerator');
    assert.deepEqual([hg?.shortName, hg?.scope, hg?.singularDisplayName], ['hg', 'Global', 'Hostname Generator']);
    assert.equal(resources.find((r) => r.name === 'MeshRetry')?.pluralDisplayName, 'Mesh Retries');
    assert.equal(resources.find((r) => r.name === 'MeshHTTPRoute')?.singularDisplayName, 'Mesh HTTP Route');
    const timeout = resources.find((r) => r.name === 'MeshTimeout');
    assert.equal(typeof timeout?.policy, 'object', 'policies carry a policy description');
  });

  it('/_kri/{kri} returns the resource a KRI names', async () => {
    const r = await h.request('GET', '/_kri/kri_msvc_default_zone-1__redis_');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([(r.json as Record<string, unknown>).type, (r.json as Record<string, unknown>).name], ['MeshService', 'redis']);
    const mesh = await h.request('GET', '/_kri/kri_m____payments_');
    assert.equal((mesh.json as Record<string, unknown>).name, 'payments');
    const unlabelled = await h.request('GET', '/_kri/kri_dp_default___redis-1_');
    assert.equal(unlabelled.status, 200, 'a KRI without zone is local on a zone CP');
  });

  it("/_kri/{kri} answers Kuma's 400s and 404", async () => {
    const bad = async (kri: string, detail: string): Promise<void> => {
      const r = await h.request('GET', `/_kri/${kri}`);
      assert.deepEqual([r.status, r.json], [400, { type: '/std-errors', status: 400, title: 'Bad Request', detail, details: detail }]);
    };
    await bad('kri_msvc_default', 'bad request: invalid identifier string: "kri_msvc_default"');
    await bad('kru_msvc_default_zone-1__redis_', `bad request: identifier must start with 'kri': "kru_msvc_default_zone-1__redis_"`);
    await bad('kri___default_default__mtp-3_', 'bad request: unknown short name of resource type: ""');
    await bad('kri_nope_default_zone-1__x_', 'bad request: unknown short name of resource type: "nope"');
    const missing = await h.request('GET', '/_kri/kri_msvc_default_zone-1__nothing_');
    assert.deepEqual(missing.json, {
      type: '/std-errors', status: 404, title: 'Could not retrieve a resource', detail: 'Not found', details: 'Not found',
    });
    const otherZone = await h.request('GET', '/_kri/kri_msvc_default_zone-9__redis_');
    assert.equal(otherZone.status, 404, 'synced copies are not resolvable by KRI yet');
  });

  it('/global-insight counts what is stored', async () => {
    const body = (await h.request('GET', '/global-insight')).json as Record<string, any>;
    assert.equal(body.createdAt, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(body.meshes, { total: 2 });
    assert.deepEqual(body.dataplanes.standard, { offline: 1, online: 0, partiallyDegraded: 0, total: 1 });
    assert.deepEqual(body.dataplanes.gatewayBuiltin, { offline: 1, online: 0, partiallyDegraded: 0, total: 1 });
    assert.deepEqual(body.dataplanes.gatewayDelegated.total, 0);
    assert.deepEqual(body.services.internal, { offline: 1, online: 0, partiallyDegraded: 0, total: 1 });
    assert.deepEqual(body.zones.controlPlanes, { online: 0, total: 1 });
    assert.deepEqual(body.resources.MeshService, { total: 1 });
    assert.deepEqual(body.resources.Dataplane, { total: 2 });
    assert.deepEqual(body.policies, { total: 0 });
  });

  it('/mesh-insights lists one insight per mesh; /mesh-insights/{mesh} returns one or 404', async () => {
    const list = (await h.request('GET', '/mesh-insights')).json as { total: number; items: Record<string, any>[]; next: null };
    assert.equal(list.total, 2);
    assert.deepEqual(list.items.map((i) => i.name), ['default', 'payments']);
    const one = (await h.request('GET', '/mesh-insights/default')).json as Record<string, any>;
    assert.equal(one.type, 'MeshInsight');
    assert.deepEqual(one.dataplanes, { offline: 2, online: 0, partiallyDegraded: 0, total: 2 });
    assert.deepEqual(one.dataplanesByType.gateway.total, 1);
    assert.deepEqual(one.services, { total: 1, internal: 1, external: 0 });
    assert.deepEqual(one.resources.MeshService, { total: 1 });
    const paged = (await h.request('GET', '/mesh-insights?size=1')).json as { next: string | null };
    assert.equal(paged.next, `http://${new URL(h.url).host}/mesh-insights?offset=1&size=1`);
    const missing = await h.request('GET', '/mesh-insights/nope');
    assert.equal(missing.status, 404);
  });

  it('/meshes/{mesh}/dataplanes/_overview lists DataplaneOverview items', async () => {
    const r = await h.request('GET', '/meshes/default/dataplanes/_overview?name=redis');
    const body = r.json as { total: number; items: Record<string, unknown>[]; next: null };
    assert.equal(body.total, 1);
    const item = body.items[0] ?? {};
    assert.deepEqual(Object.keys(item), [
      'type', 'mesh', 'name', 'creationTime', 'modificationTime', 'labels', 'kri', 'dataplane', 'dataplaneInsight',
    ]);
    assert.equal(item.type, 'DataplaneOverview');
    assert.equal(item.kri, 'kri_dp_default_zone-1__redis-1_');
    assert.equal((item.dataplane as { networking: { address: string } }).networking.address, '127.0.0.2');
    assert.deepEqual(item.dataplaneInsight, { subscriptions: [] });
    assert.equal((await h.request('GET', '/meshes/nope/dataplanes/_overview')).status, 404);
  });

  it('/config shows the configuration it was given', async () => {
    assert.deepEqual((await h.request('GET', '/config')).json, { apiServer: { port: 5681 }, mode: 'zone' });
  });

  it('/metrics serves Prometheus text with process, request and resource metrics', async () => {
    await h.request('GET', '/meshes/default/meshservices/redis');
    await h.request('GET', '/meshes/default/meshservices/nothing');
    const r = await h.request('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.contentType, /^text\/plain/);
    assert.match(r.text, /^process_cpu_user_seconds_total \d/m);
    assert.match(r.text, /^meshplane_api_requests_total\{method="GET",route="\/meshes\/:mesh\/:plural\/:name",status="200"\} [1-9]/m);
    assert.match(r.text, /^meshplane_api_requests_total\{method="GET",route="\/meshes\/:mesh\/:plural\/:name",status="404"\} 1$/m);
    assert.match(r.text, /^meshplane_resources\{type="Dataplane"\} 2$/m);
    assert.match(r.text, /^meshplane_resources\{type="Mesh"\} 2$/m);
  });
});
