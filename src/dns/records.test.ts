import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceCache } from '../controllers/resource-cache.js';
import { ManualClock } from '../core/clock.js';
import { LEGACY_VIP_TYPE } from '../ipam/legacy-vip-records.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Resource } from '../core/resource.js';
import type { StoreEvent } from '../store/store.js';
import { affectsDns, buildDnsTable, DNS_SOURCE_TYPES, normaliseName } from './records.js';

function service(name: string, hostnames: string[], vips: string[], mesh = 'default', type = 'MeshService') {
  const addresses = hostnames.map((hostname) => ({ hostname, origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'g' } }));
  return { type, mesh, name, labels: {}, spec: {}, status: { addresses, vips: vips.map((ip) => ({ ip })) } };
}
const mesh = (name: string, mode?: string | number) => ({ type: 'Mesh', mesh: '', name, labels: {}, spec: mode === undefined ? {} : { meshServices: { mode } } });
const legacy = (meshName: string, service: string, vip: string) => ({ type: LEGACY_VIP_TYPE, mesh: meshName, name: service, labels: {}, spec: { service, vip } });

async function tableOf(setup: (store: MemoryStore, clock: ManualClock) => Promise<void>) {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ clock });
  await setup(store, clock);
  const cache = new ResourceCache({ store, types: DNS_SOURCE_TYPES });
  await cache.start();
  return buildDnsTable(cache);
}

describe('DNS records', () => {
  it('answers every hostname of a MeshService or MMZS with its first VIP; no VIP, no record', async () => {
    const table = await tableOf(async (store) => {
      await store.create(service('backend', ['backend.svc.mesh.local', 'Backend.Default.mesh'], ['241.0.0.3', '241.0.0.9']));
      await store.create(service('novip', ['novip.svc.mesh.local'], []));
      await store.create(service('multi', ['multi.mzsvc.mesh.local'], ['243.0.0.0'], 'default', 'MeshMultiZoneService'));
      await store.create(service('v6', ['v6.svc.mesh.local'], ['fd00::241']));
    });
    assert.deepEqual(table.lookup('backend.svc.mesh.local'), { ip: '241.0.0.3', family: 4, source: "MeshService 'backend' in mesh 'default'" });
    assert.equal(table.lookup('BACKEND.svc.Mesh.Local.')?.ip, '241.0.0.3', 'case-insensitive, trailing dot ignored');
    assert.equal(table.lookup('backend.default.mesh')?.ip, '241.0.0.3');
    assert.equal(table.lookup('novip.svc.mesh.local'), undefined);
    assert.equal(table.lookup('multi.mzsvc.mesh.local')?.ip, '243.0.0.0');
    assert.deepEqual(table.lookup('v6.svc.mesh.local'), { ip: 'fd00::241', family: 6, source: "MeshService 'v6' in mesh 'default'" });
    assert.equal(table.lookup('backend'), undefined);
    assert.equal(table.size, 4);
    assert.deepEqual(table.clashes, []);
  });

  it('answers <service>.mesh with the legacy VIP unless the mesh is Exclusive (absent mode = Disabled)', async () => {
    const table = await tableOf(async (store) => {
      for (const [name, mode] of [['plain', undefined], ['everywhere', 'Everywhere'], ['reachable', 2], ['exclusive', 'Exclusive'], ['exclusive-num', 3]] as const) {
        await store.create(mesh(name, mode));
        await store.create(legacy(name, `${name}-svc`, '240.0.0.1'));
      }
      await store.create(legacy('default', 'web', '240.0.0.7'));
      await store.create(mesh('k8s'));
      await store.create(legacy('k8s', 'backend_kuma-demo_svc_8080', '240.0.0.2'));
    });
    assert.equal(table.lookup('plain-svc.mesh')?.ip, '240.0.0.1');
    assert.equal(table.lookup('everywhere-svc.mesh')?.ip, '240.0.0.1');
    assert.equal(table.lookup('reachable-svc.mesh')?.ip, '240.0.0.1');
    assert.equal(table.lookup('exclusive-svc.mesh'), undefined);
    assert.equal(table.lookup('exclusive-num-svc.mesh'), undefined);
    assert.equal(table.lookup('web.mesh'), undefined, 'no Mesh resource, no legacy names');
    assert.equal(table.lookup('backend_kuma-demo_svc_8080.mesh')?.ip, '240.0.0.2');
    assert.equal(table.lookup('backend.kuma-demo.svc.8080.mesh')?.ip, '240.0.0.2', 'the dotted form');
  });

  it('when two resources claim one hostname the older answers, whatever the order, and the clash is reported', async () => {
    for (const order of [['a', 'b'], ['b', 'a']]) {
      const table = await tableOf(async (store, clock) => {
        const vip = { a: '241.0.0.1', b: '241.0.0.2' } as Record<string, string>;
        for (const m of order) {
          await store.create(service('backend', ['backend.svc.mesh.local'], [vip[m] ?? ''], `mesh-${m}`));
          clock.advance(1000);
        }
      });
      const older = order[0];
      assert.equal(table.lookup('backend.svc.mesh.local')?.ip, older === 'a' ? '241.0.0.1' : '241.0.0.2');
      const newer = order[1];
      assert.deepEqual(table.clashes, [
        { hostname: 'backend.svc.mesh.local', winner: `MeshService 'backend' in mesh 'mesh-${older}'`, losers: [`MeshService 'backend' in mesh 'mesh-${newer}'`] },
      ]);
    }
  });

  it('a MeshService hostname and a legacy name clash like any two claims', async () => {
    const table = await tableOf(async (store, clock) => {
      await store.create(mesh('default', 'Everywhere'));
      await store.create(legacy('default', 'backend', '240.0.0.0'));
      clock.advance(1000);
      await store.create(service('backend', ['backend.mesh'], ['241.0.0.0']));
    });
    assert.equal(table.lookup('backend.mesh')?.ip, '240.0.0.0');
    assert.deepEqual(table.clashes.map((c) => [c.hostname, c.winner, c.losers]), [
      ['backend.mesh', "backend.mesh in mesh 'default'", ["MeshService 'backend' in mesh 'default'"]],
    ]);
  });

  it('only changes to hostnames, the first VIP, a mesh mode or legacy VIPs touch the table', async () => {
    const store = new MemoryStore();
    const events: StoreEvent[] = [];
    store.watch((e) => void events.push(e));
    const ms = await store.create(service('a', ['a.svc.mesh.local'], ['241.0.0.1']));
    const withStatus = (r: Resource, status: object) => ({ ...r, status: { ...(r.status as object), ...status } });
    const proxies = await store.update(withStatus(ms, { dataplaneProxies: { connected: 1, healthy: 1, total: 1 } }));
    const second = await store.update(withStatus(proxies, { vips: [{ ip: '241.0.0.1' }, { ip: '241.0.0.2' }] }));
    const moved = await store.update(withStatus(second, { vips: [{ ip: '241.0.0.3' }] }));
    await store.update(withStatus(moved, { addresses: [] }));
    const m = await store.create(mesh('default'));
    const labelled = await store.update({ ...m, labels: { team: 'x' } });
    await store.update({ ...labelled, spec: { meshServices: { mode: 'Exclusive' } } });
    await store.create({ type: 'Dataplane', mesh: 'default', name: 'dp', labels: {}, spec: {} });
    assert.deepEqual(events.map((e) => [e.op, e.resource.type, affectsDns(e)]), [
      ['create', 'MeshService', true],
      ['update', 'MeshService', false],
      ['update', 'MeshService', false],
      ['update', 'MeshService', true],
      ['update', 'MeshService', true],
      ['create', 'Mesh', true],
      ['update', 'Mesh', false],
      ['update', 'Mesh', true],
      ['create', 'Dataplane', false],
    ]);
  });

  it('normalises names', () => {
    assert.equal(normaliseName('Backend.Mesh.'), 'backend.mesh');
    assert.equal(normaliseName('backend.mesh'), 'backend.mesh');
  });
});
