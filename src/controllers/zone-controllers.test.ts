/**
 * The zone controllers together over a real MemoryStore, ResourceCache and ControllerRunner,
 * with a ManualClock and `runner.settle()`: the scenario end to end, with the real VIP
 * allocator passed in as an extra controller (as the wiring does).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../core/clock.js';
import type { Resource } from '../core/resource.js';
import type { Inbound } from '../resources/dataplane/types.js';
import type { MeshServiceSpec, MeshServiceStatus } from '../resources/mesh-service/types.js';
import { MemoryStore } from '../store/memory-store.js';
import { VipAllocator } from './vip-allocator.js';
import { startZoneControllers } from './zone-controllers.js';

const GRACE = 60_000;
type Ms = Resource<MeshServiceSpec, MeshServiceStatus>;

async function zone(mode = 'Exclusive') {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ clock });
  const logs: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: { meshServices: { mode } } });
  const metrics = new Registry();
  const zc = await startZoneControllers({
    store,
    clock,
    logger,
    metrics,
    config: { zone: 'zone-1', deletionGracePeriodMs: GRACE, useTimers: false },
    extraControllers: (cache) => [new VipAllocator({ cache, store, logger, metrics })],
  });
  await zc.runner.settle();
  const dataplane = (name: string, address: string, inbound: Inbound[]) =>
    ({ type: 'Dataplane', mesh: 'default', name, labels: {}, spec: { networking: { address, inbound } } }) as const;
  return {
    clock,
    store,
    logs,
    metrics,
    settle: () => zc.runner.settle(),
    stop: () => zc.stop(),
    apply: async (name: string, address: string, inbound: Inbound[]) => {
      const current = await store.get({ type: 'Dataplane', mesh: 'default', name });
      if (current) await store.update({ ...dataplane(name, address, inbound), version: current.version });
      else await store.create(dataplane(name, address, inbound));
    },
    remove: (name: string) => store.delete({ type: 'Dataplane', mesh: 'default', name }),
    ms: async (name: string) => (await store.get({ type: 'MeshService', mesh: 'default', name })) as Ms | undefined,
  };
}

const backendTags = { 'kuma.io/service': 'backend' };

describe('zone controllers: the issue scenario', () => {
  it('two Dataplanes -> backend with hostname, VIP and 2 proxies; a third on 9090 -> conflict, spec unchanged', async () => {
    const z = await zone();
    await z.apply('backend-1', '127.0.0.2', [{ port: 8080, name: 'main', tags: backendTags }]);
    await z.apply('backend-2', '127.0.0.3', [{ port: 8080, tags: backendTags }]);
    await z.settle();
    const ms = await z.ms('backend');
    assert.deepEqual(ms?.spec.ports, [{ name: 'main', port: 8080, targetPort: 8080, appProtocol: 'tcp' }]);
    assert.deepEqual(ms?.spec.selector, { dataplaneTags: { 'kuma.io/service': 'backend' } });
    assert.equal(ms?.spec.state, 'Available');
    assert.deepEqual(ms?.status?.addresses?.map((a) => a.hostname), ['backend.svc.mesh.local']);
    assert.deepEqual(ms?.status?.dataplaneProxies, { connected: 0, healthy: 2, total: 2 });
    assert.deepEqual(ms?.status?.vips, [{ ip: '241.0.0.0' }]);
    assert.equal(ms?.status?.conditions?.find((c) => c.type === 'PortConflict'), undefined);

    await z.apply('backend-3', '127.0.0.4', [{ port: 9090, tags: backendTags }]);
    await z.settle();
    const after = await z.ms('backend');
    assert.deepEqual(after?.spec.ports, ms?.spec.ports, 'spec unchanged');
    assert.deepEqual(after?.status?.vips, [{ ip: '241.0.0.0' }], 'VIP unchanged');
    const conflict = after?.status?.conditions?.find((c) => c.type === 'PortConflict');
    assert.equal(conflict?.status, 'True');
    assert.equal(conflict?.reason, 'PortsDiffer');
    assert.match(conflict?.message ?? '', /^Dataplanes backend-3 expose ports \[9090\] but backend has \[8080\]/);
    assert.deepEqual(after?.status?.dataplaneProxies, { connected: 0, healthy: 2, total: 3 });
    const warned = z.logs.filter((l) => l.msg.startsWith('Port conflict'));
    assert.deepEqual(warned.map((l) => l.dataplanes), [['backend-3']], 'logged once');
    assert.match(await z.metrics.metrics(), /meshplane_meshservice_port_conflicts 1/);

    await z.remove('backend-3');
    await z.settle();
    assert.equal((await z.ms('backend'))?.status?.conditions?.find((c) => c.type === 'PortConflict'), undefined, 'removed when resolved');
    assert.match(await z.metrics.metrics(), /meshplane_meshservice_port_conflicts 0/);
    await z.stop();
  });

  it('all Dataplanes gone -> grace label; still there at grace, gone after; nothing written while idle', async () => {
    const z = await zone();
    await z.apply('backend-1', '127.0.0.2', [{ port: 8080, tags: backendTags }]);
    await z.settle();
    await z.remove('backend-1');
    await z.settle();
    const marked = await z.ms('backend');
    assert.equal(marked?.labels['kuma.io/deletion-grace-period-started-at'], '2026-01-01T00:00:00.000Z');
    assert.deepEqual(marked?.status?.vips, [{ ip: '241.0.0.0' }]);
    z.clock.advance(GRACE - 1);
    await z.settle();
    assert.ok(await z.ms('backend'), 'still there at grace - 1 ms');
    z.clock.advance(1);
    await z.settle();
    assert.ok(await z.ms('backend'), 'still there at exactly grace (deletion needs more than grace)');
    const version = (await z.ms('backend'))?.version;
    z.clock.advance(1);
    await z.settle();
    assert.equal(await z.ms('backend'), undefined, 'gone after grace');
    assert.ok(version !== undefined);
    await z.stop();
  });

  it('a Dataplane back before expiry cancels the deletion for good', async () => {
    const z = await zone();
    await z.apply('backend-1', '127.0.0.2', [{ port: 8080, tags: backendTags }]);
    await z.settle();
    await z.remove('backend-1');
    await z.settle();
    z.clock.advance(GRACE - 1000);
    await z.apply('backend-1', '127.0.0.2', [{ port: 8080, tags: backendTags }]);
    await z.settle();
    assert.equal((await z.ms('backend'))?.labels['kuma.io/deletion-grace-period-started-at'], undefined);
    z.clock.advance(3 * GRACE);
    await z.settle();
    const ms = await z.ms('backend');
    assert.ok(ms, 'never deleted');
    assert.deepEqual(ms.status?.vips, [{ ip: '241.0.0.0' }], 'kept its VIP throughout');
    await z.stop();
  });

  it('mode Disabled deletes the generated MeshServices and leaves hand-made ones', async () => {
    const z = await zone();
    await z.apply('backend-1', '127.0.0.2', [{ port: 8080, tags: backendTags }]);
    await z.store.create({ type: 'MeshService', mesh: 'default', name: 'redis', labels: { 'kuma.io/origin': 'zone' }, spec: { state: 'Unavailable', selector: { dataplaneTags: { app: 'redis' } } } });
    await z.settle();
    assert.ok(await z.ms('backend'));
    const mesh = await z.store.get({ type: 'Mesh', mesh: '', name: 'default' });
    assert.ok(mesh);
    await z.store.update({ ...mesh, spec: { meshServices: { mode: 'Disabled' } }, version: mesh.version });
    await z.settle();
    assert.equal(await z.ms('backend'), undefined);
    assert.ok(await z.ms('redis'));
    await z.stop();
  });

  it("changing the only Dataplane's port updates the ports and keeps VIP, hostname and state", async () => {
    const z = await zone();
    await z.apply('backend-1', '127.0.0.2', [{ port: 8080, tags: backendTags }]);
    await z.settle();
    const before = await z.ms('backend');
    await z.apply('backend-1', '127.0.0.2', [{ port: 9090, tags: backendTags }]);
    await z.settle();
    const after = await z.ms('backend');
    assert.deepEqual(after?.spec.ports, [{ name: '9090', port: 9090, targetPort: 9090, appProtocol: 'tcp' }]);
    assert.deepEqual(after?.status?.vips, before?.status?.vips);
    assert.deepEqual(after?.status?.addresses, before?.status?.addresses);
    assert.equal(after?.spec.state, 'Available');
    assert.deepEqual(after?.status?.dataplaneProxies, { connected: 0, healthy: 1, total: 1 });
    await z.stop();
  });

  it('creates the default HostnameGenerator once and never overwrites an edited one', async () => {
    const z = await zone();
    const g = await z.store.get({ type: 'HostnameGenerator', mesh: '', name: 'local-universal-mesh-service' });
    assert.deepEqual(g?.spec, { selector: { meshService: { matchLabels: { 'kuma.io/origin': 'zone' } } }, template: '{{ .DisplayName }}.svc.mesh.local' });
    assert.equal(g?.labels['kuma.io/origin'], 'zone');
    await z.stop();
    assert.ok(g);
    await z.store.update({ ...g, spec: { selector: { meshService: {} }, template: '{{ .Name }}.edited.local' }, version: g.version });
    const again = await startZoneControllers({ store: z.store, clock: z.clock, logger: pino({ level: 'silent' }), config: { zone: 'zone-1', useTimers: false } });
    const kept = await z.store.get({ type: 'HostnameGenerator', mesh: '', name: 'local-universal-mesh-service' });
    assert.equal((kept?.spec as { template: string }).template, '{{ .Name }}.edited.local');
    await again.stop();
  });

  it('settles: a second settle writes nothing (no controller ping-pong)', async () => {
    const z = await zone();
    for (let i = 0; i < 5; i++) await z.apply(`backend-${i}`, `127.0.0.${i + 2}`, [{ port: 8080, tags: backendTags }]);
    await z.apply('web-1', '127.0.1.1', [{ port: 80, tags: { 'kuma.io/service': 'web' } }]);
    await z.settle();
    const versions = async () => (await z.store.list({ type: 'MeshService' })).items.map((r) => `${r.name}@${r.version}`);
    const settled = await versions();
    await z.settle();
    z.clock.advance(10);
    await z.settle();
    assert.deepEqual(await versions(), settled);
    await z.stop();
  });
});
