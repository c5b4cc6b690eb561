/**
 * ProxySync and what arrives from other zones: a ZoneIngress or a FlatEndpoints record written
 * by the sync regenerates exactly the proxies that reach the synced MeshService it concerns.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ResourceCache } from '../controllers/resource-cache.js';
import type { Resource } from '../core/resource.js';
import { FLAT_ENDPOINTS_TYPE } from '../kds/flat-endpoints.js';
import { MemoryStore } from '../store/memory-store.js';
import { SnapshotCache } from './cache.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { resourcesFromYaml } from './generators/input-fixtures.js';
import { XDS_INPUT_KINDS } from './proxy-context.js';
import { ProxySync } from './proxy-sync.js';

const NAME = 'backend-d8466258x75748d7'; // hashedName('default', 'backend', ['zone-2'])
const CLA = 'default_backend__zone-2_msvc_80';
const REACH = '  transparentProxying:\n    reachableBackends:\n      refs:\n      - kind: MeshService\n        labels:\n          kuma.io/display-name: backend\n';
const NOTHING = '  transparentProxying:\n    reachableBackends:\n      refs: []\n';

const YAML = `type: Mesh
name: default
meshServices:
  mode: Exclusive
---
type: MeshService
mesh: default
name: ${NAME}
labels:
  kuma.io/origin: global
  kuma.io/zone: zone-2
  kuma.io/display-name: backend
spec:
  ports:
  - port: 80
    targetPort: 8080
    appProtocol: http
  state: Available
status:
  vips:
  - ip: 241.0.0.2
${client('web-1', REACH)}${client('web-2', NOTHING)}`;

function client(name: string, tp: string): string {
  return `---\ntype: Dataplane\nmesh: default\nname: ${name}\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 9090\n    tags:\n      kuma.io/service: ${name}\n${tp}`;
}

const stop: (() => void)[] = [];
afterEach(() => {
  for (const s of stop.splice(0)) s();
});

async function harness() {
  const store = new MemoryStore();
  for (const r of resourcesFromYaml(YAML)) await store.create(r);
  const cache = new ResourceCache({ store, types: XDS_INPUT_KINDS });
  await cache.start();
  const snapshots = new SnapshotCache();
  const sync = new ProxySync({ cache, snapshots, logger: pino({ level: 'silent' }) });
  sync.start();
  stop.push(() => sync.stop(), () => cache.stop());
  for (const id of ['default.web-1', 'default.web-2']) sync.onConnect(id, { user_agent_name: 'envoy' });
  sync.flush();
  const endpoints = (): string[] => {
    const cla = snapshots.getSnapshot('default.web-1')?.resources(TYPE_URL.clusterLoadAssignment).get(CLA)?.resource as { endpoints?: { lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[] } | undefined;
    assert.ok(cla, 'web-1 has the CLA');
    return (cla.endpoints ?? []).flatMap((l) => l.lb_endpoints.map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`));
  };
  return { store, sync, endpoints };
}

describe('ProxySync with remote-zone inputs', () => {
  it('a ZoneIngress of the service\'s zone regenerates the proxies that reach it, and only those', async () => {
    const h = await harness();
    assert.deepEqual(h.endpoints(), []);
    const before = h.sync.recomputations;
    const zi = { type: 'ZoneIngress', mesh: '', name: 'zi-2', labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-2' }, spec: { networking: { address: '10.2.0.1', port: 10001, advertisedAddress: '203.0.113.10', advertisedPort: 10001 } } };
    await h.store.create(zi);
    h.sync.flush();
    assert.equal(h.sync.recomputations, before + 1, 'web-1 only: web-2 reaches nothing');
    assert.deepEqual(h.endpoints(), ['203.0.113.10:10001']);
    await h.store.create({ ...zi, name: 'zi-3', labels: { ...zi.labels, 'kuma.io/zone': 'zone-3' } });
    h.sync.flush();
    assert.equal(h.sync.recomputations, before + 1, 'an ingress of another zone concerns no one here');
  });

  it('a FlatEndpoints record regenerates the proxies that reach its MeshService, and follows its updates', async () => {
    const h = await harness();
    const before = h.sync.recomputations;
    const record = await h.store.create({
      type: FLAT_ENDPOINTS_TYPE,
      mesh: 'default',
      name: NAME,
      labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-2', 'kuma.io/display-name': 'backend' },
      spec: { ports: [{ port: 80, endpoints: [{ address: '10.20.0.1', port: 8080 }] }] },
    });
    h.sync.flush();
    assert.equal(h.sync.recomputations, before + 1);
    assert.deepEqual(h.endpoints(), ['10.20.0.1:8080']);
    await h.store.update({ ...(record as Resource), spec: { ports: [{ port: 80, endpoints: [{ address: '10.20.0.2', port: 8080 }] }] } });
    h.sync.flush();
    assert.deepEqual(h.endpoints(), ['10.20.0.2:8080']);
    await h.store.delete(record);
    h.sync.flush();
    assert.deepEqual(h.endpoints(), [], 'no ZoneIngress either: none');
  });
});
