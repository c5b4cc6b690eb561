/** `GET /meshes/{mesh}/dataplanes/{name}/_bootstrap` on a real API server over a MemoryStore. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { AdmissionContext } from '../core/admission.js';
import { ResourceManager } from '../manager/resource-manager.js';
import { MemoryStore } from '../store/memory-store.js';
import type { XdsEndpoint } from '../xds/bootstrap-config.js';
import { type ApiServer, startApiServer } from './server.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** GET with an explicit Host header (fetch does not let a caller set it). */
function get(server: ApiServer, path: string, host = `127.0.0.1:${server.port}`): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function startWith(xds: XdsEndpoint | undefined): Promise<ApiServer> {
  const store = new MemoryStore();
  const admission: AdmissionContext = { mode: xds === undefined ? 'global' : 'zone', zone: 'default', environment: 'universal' };
  const manager = new ResourceManager({ store, admission });
  await manager.ensureDefaultMesh();
  await store.create({
    type: 'Dataplane',
    mesh: 'default',
    name: 'web-1',
    labels: {},
    spec: { networking: { address: '127.0.0.1', inbound: [{ port: 9000, tags: { 'kuma.io/service': 'web' } }] } },
  });
  return startApiServer({
    manager,
    store,
    admission,
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 1024 * 1024,
    version: '0.0.0-test',
    config: {},
    ...(xds === undefined ? {} : { xds }),
  });
}

const adsAddress = (envoy: Record<string, unknown>): unknown => {
  const clusters = (envoy.static_resources as { clusters: { type: string; load_assignment: { endpoints: { lb_endpoints: { endpoint: { address: unknown } }[] }[] } }[] }).clusters;
  return [clusters[0]?.type, clusters[0]?.load_assignment.endpoints[0]?.lb_endpoints[0]?.endpoint.address];
};
const PATH = '/meshes/default/dataplanes/web-1/_bootstrap';

describe('Dataplane bootstrap route', () => {
  let zone: ApiServer;
  let everywhere: ApiServer;
  let global: ApiServer;
  before(async () => {
    zone = await startWith({ host: '127.0.0.1', port: 5678 });
    everywhere = await startWith({ host: '0.0.0.0', port: 5678 });
    global = await startWith(undefined);
  });
  after(async () => Promise.all([zone, everywhere, global].map((s) => s?.close())));

  it('names the bound xDS address: Envoy by default, gRPC with type=grpc', async () => {
    const envoy = await get(zone, PATH);
    assert.equal(envoy.status, 200);
    assert.deepEqual((envoy.body.node as Record<string, unknown>).id, 'default.web-1');
    assert.deepEqual(adsAddress(envoy.body), ['STATIC', { socket_address: { address: '127.0.0.1', port_value: 5678 } }]);
    const grpc = await get(zone, `${PATH}?type=grpc`);
    assert.deepEqual(grpc.body.xds_servers, [{ server_uri: '127.0.0.1:5678', channel_creds: [{ type: 'insecure' }], server_features: [] }]);
  });

  it('tells proxies the host they reached the API at when xDS listens on every address', async () => {
    assert.deepEqual(adsAddress((await get(everywhere, PATH, 'cp.example:5681')).body), ['STRICT_DNS', { socket_address: { address: 'cp.example', port_value: 5678 } }]);
    const grpc = await get(everywhere, `${PATH}?type=grpc`, '[::1]:5681');
    assert.deepEqual((grpc.body.xds_servers as { server_uri: string }[]).map((s) => s.server_uri), ['[::1]:5678']);
  });

  it('uses xdsAddress when given, and a global control plane requires it', async () => {
    const grpc = await get(zone, `${PATH}?type=grpc&xdsAddress=cp.internal:443`);
    assert.deepEqual((grpc.body.xds_servers as { server_uri: string }[]).map((s) => s.server_uri), ['cp.internal:443']);
    const missing = await get(global, PATH);
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.invalid_parameters, [
      { field: 'xdsAddress', reason: 'required: this control plane serves no xDS (it runs in global mode); ask a zone control plane' },
    ]);
    assert.equal((await get(global, `${PATH}?xdsAddress=10.0.0.1:5678`)).status, 200);
  });

  it('refuses a bad type or address with 400 and names the parameter', async () => {
    const badType = await get(zone, `${PATH}?type=istio`);
    assert.deepEqual([badType.status, badType.body.title, badType.body.detail], [400, 'Could not generate a bootstrap', 'Invalid query parameters']);
    assert.deepEqual(badType.body.invalid_parameters, [{ field: 'type', reason: 'must be one of: envoy, grpc; got "istio"' }]);
    const badAddress = await get(zone, `${PATH}?xdsAddress=cp`);
    assert.deepEqual(badAddress.body.invalid_parameters, [{ field: 'xdsAddress', reason: 'must be HOST:PORT (IPv6 as [ADDRESS]:PORT); got "cp"' }]);
  });

  it('answers 404 for a Dataplane or a mesh that does not exist', async () => {
    const noDataplane = await get(zone, '/meshes/default/dataplanes/web-9/_bootstrap');
    assert.deepEqual([noDataplane.status, noDataplane.body.title, noDataplane.body.detail], [404, 'Could not generate a bootstrap', 'Not found']);
    const noMesh = await get(zone, '/meshes/payments/dataplanes/web-1/_bootstrap');
    assert.deepEqual([noMesh.status, noMesh.body.title], [404, 'Failed to retrieve Mesh']);
  });
});
