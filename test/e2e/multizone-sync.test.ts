/**
 * Multi-zone as a new user meets it, with three real processes on 127.0.0.1 (global, east, west;
 * SQLite files, ports 0) and no flat network: Dataplanes of `backend` in east give a MeshService
 * on global under Kuma's hashed name with east's status, and in west a read-only copy with west's
 * own VIP and the hostname `backend.svc.east.mesh.local`, which west's DNS answers (`dig`). A
 * @grpc/grpc-js-xds client in west is sent to east's ZoneIngress (its advertised address, played
 * here by an echo server), never to east's Dataplanes. A service deleted in east disappears
 * everywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  dataplaneDoc,
  dig,
  EAST_BACKEND,
  exclusiveMesh,
  getResource,
  Multizone,
  put,
  rest,
  startEcho,
  vipsAndHostnames,
  waitForGone,
  waitForResource,
  XdsClient,
  type EchoServer,
} from '../support/multizone.js';

const BACKEND_PATH = `/meshes/default/meshservices/${EAST_BACKEND}`;
const proxies = (r: Record<string, unknown>): { total?: number } => ((r.status as { dataplaneProxies?: { total?: number } } | undefined)?.dataplaneProxies ?? {});

describe('multi-zone sync with three processes (no flat network)', () => {
  let m: Multizone;
  const echoes: EchoServer[] = [];
  let port = 0;

  before(async () => {
    m = await Multizone.start({ flatNetwork: false });
    await exclusiveMesh(m);
    echoes.push(await startEcho('east-1', '127.0.0.2'));
    port = echoes[0]?.port ?? 0;
    echoes.push(await startEcho('east-2', '127.0.0.3', port));
  });

  after(async () => {
    for (const e of echoes) await e.stop();
    await m?.stop();
  });

  it('Dataplanes of backend in east: a MeshService on global with the hashed name and east\'s status', async () => {
    await put(m.api('east'), '/meshes/default/dataplanes/backend-1', dataplaneDoc('backend-1', '127.0.0.2', port, 'backend'));
    await put(m.api('east'), '/meshes/default/dataplanes/backend-2', dataplaneDoc('backend-2', '127.0.0.3', port, 'backend'));
    const inEast = await waitForResource(m.api('east'), '/meshes/default/meshservices/backend', (r) => proxies(r).total === 2 && vipsAndHostnames(r).vips.length === 1, 'backend in east with a VIP and 2 proxies');
    const onGlobal = await waitForResource(m.api('global'), BACKEND_PATH, (r) => proxies(r).total === 2, 'backend on global with east\'s status');
    assert.deepEqual(onGlobal.labels, {
      'kuma.io/display-name': 'backend',
      'kuma.io/env': 'universal',
      'kuma.io/managed-by': 'meshservice-generator',
      'kuma.io/mesh': 'default',
      'kuma.io/origin': 'zone',
      'kuma.io/zone': 'east',
    });
    assert.equal(onGlobal.kri, 'kri_msvc_default_east__backend_');
    assert.deepEqual(onGlobal.spec, inEast.spec);
    assert.deepEqual(vipsAndHostnames(onGlobal), vipsAndHostnames(inEast), 'global shows east\'s VIP and hostname');
    assert.deepEqual(vipsAndHostnames(inEast).hostnames, ['backend.svc.mesh.local']);
  });

  it('in west: a copy with west\'s own VIP and hostname backend.svc.east.mesh.local, answered by west\'s DNS', async () => {
    const copy = await waitForResource(m.api('west'), BACKEND_PATH, (r) => vipsAndHostnames(r).vips.length === 1 && vipsAndHostnames(r).hostnames.length === 1, 'east\'s backend in west with a VIP and a hostname');
    const { vips, hostnames } = vipsAndHostnames(copy);
    assert.deepEqual(hostnames, ['backend.svc.east.mesh.local']);
    assert.match(vips[0] ?? '', /^241\./);
    assert.equal((copy.labels as Record<string, string>)['kuma.io/origin'], 'global');
    assert.deepEqual(proxies(copy), {}, 'a copy carries no proxy counts from its zone');
    assert.deepEqual(await dig(m.dns('west'), 'backend.svc.east.mesh.local'), vips);
    assert.deepEqual(await dig(m.dns('west'), 'backend.svc.mesh.local'), [], 'west has no local backend');
    assert.deepEqual(await dig(m.dns('east'), 'backend.svc.east.mesh.local'), [], 'east never gets its own service back');
  });

  it('the copies are read-only: a write in west and a delete on global are refused with a clear 4xx', async () => {
    const write = await rest(m.api('west'), 'PUT', BACKEND_PATH, { type: 'MeshService', mesh: 'default', name: EAST_BACKEND, spec: { ports: [{ port: 1, targetPort: 1 }] } });
    assert.equal(write.status, 405);
    assert.match(String(write.body.detail), /synced from the global control plane .* change it on the global control plane/);
    const remove = await rest(m.api('global'), 'DELETE', BACKEND_PATH);
    assert.equal(remove.status, 405);
    assert.match(String(remove.body.detail), /On global control plane you can not modify MeshService resources/);
  });

  it('without a flat network a client in west is sent to east\'s ZoneIngress advertised address, never to east\'s Dataplanes', async () => {
    const ingress = await startEcho('east-ingress', '127.0.0.5');
    echoes.push(ingress);
    const zi = { type: 'ZoneIngress', name: 'ingress-1', networking: { address: '127.0.0.5', port: ingress.port, advertisedAddress: '127.0.0.5', advertisedPort: ingress.port } };
    await put(m.api('east'), '/zoneingresses/ingress-1', zi);
    await put(m.api('west'), '/meshes/default/dataplanes/web-1', dataplaneDoc('web-1', '127.0.0.9', 9, 'web'));
    const client = new XdsClient(m.xds('west'), 'default.web-1', `backend.svc.east.mesh.local:${port}`);
    try {
      const report = await client.until((r) => (r.counts['east-ingress'] ?? 0) >= 20, 30_000, '20 RPCs answered through east\'s ingress');
      assert.deepEqual(Object.keys(report.counts), ['east-ingress']);
    } finally {
      await client.stop();
    }
  });

  it('deleting a service in its zone removes it on global and in west', async () => {
    const orders = { type: 'MeshService', mesh: 'default', name: 'orders', spec: { selector: { dataplaneTags: { 'kuma.io/service': 'orders' } }, ports: [{ port: 80, targetPort: 8080 }] } };
    await put(m.api('east'), '/meshes/default/meshservices/orders', orders);
    const path = '/meshes/default/meshservices/orders-dd4z8zd98w9b85zv'; // hashedName('default', 'orders', ['east'])
    await waitForResource(m.api('west'), path, (r) => vipsAndHostnames(r).hostnames.length === 1, 'orders in west with a hostname');
    assert.equal((await dig(m.dns('west'), 'orders.svc.east.mesh.local')).length, 1);
    const started = Date.now();
    assert.equal((await rest(m.api('east'), 'DELETE', '/meshes/default/meshservices/orders')).status, 200);
    await Promise.all([waitForGone(m.api('global'), path, 'orders gone on global', 5_000), waitForGone(m.api('west'), path, 'orders gone in west', 5_000)]);
    assert.ok(Date.now() - started < 5_000);
    assert.deepEqual(await dig(m.dns('west'), 'orders.svc.east.mesh.local'), []);
    assert.ok(await getResource(m.api('west'), BACKEND_PATH), 'backend is untouched');
  });
});
