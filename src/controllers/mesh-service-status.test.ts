import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../core/clock.js';
import type { Resource } from '../core/resource.js';
import type { MeshServiceSpec, MeshServiceStatus } from '../resources/mesh-service/types.js';
import { MemoryStore } from '../store/memory-store.js';
import { ControllerRunner } from './controller-runner.js';
import { MESH_SERVICE_STATUS_KINDS, MeshServiceStatusController } from './mesh-service-status.js';
import { ResourceCache } from './resource-cache.js';

type Ms = Resource<MeshServiceSpec, MeshServiceStatus>;

async function statusUpdater(connected: Set<string>, refreshMs?: number) {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} });
  const logger = pino({ level: 'silent' });
  const cache = new ResourceCache({ store, types: MESH_SERVICE_STATUS_KINDS });
  await cache.start();
  const controller = new MeshServiceStatusController({ cache, store, logger, connectedProxies: () => connected, ...(refreshMs ? { refreshMs } : {}) });
  const runner = new ControllerRunner({ cache, clock, logger, controllers: [controller], useTimers: false });
  runner.start();
  return {
    clock,
    store,
    settle: () => runner.settle(),
    dp: (name: string, inbound: object[], labels: Record<string, string> = { app: 'backend' }) =>
      store.create({ type: 'Dataplane', mesh: 'default', name, labels, spec: { networking: { address: '10.0.0.1', inbound } } }),
    ms: async (name: string) => (await store.get({ type: 'MeshService', mesh: 'default', name })) as Ms | undefined,
    stop: async () => {
      await runner.stop();
      cache.stop();
    },
  };
}

const backend = (ports: object[], labels: Record<string, string> = { 'kuma.io/origin': 'zone' }) => ({
  type: 'MeshService',
  mesh: 'default',
  name: 'backend',
  labels,
  spec: { state: 'Unavailable', selector: { dataplaneLabels: { matchLabels: { app: 'backend' } } }, ports },
});

describe('MeshServiceStatusController', () => {
  it('counts proxies (connected from xDS node ids), sets state, and keeps status written by others', async () => {
    const s = await statusUpdater(new Set(['default.dp-1', 'other.dp-2']));
    await s.store.create({ ...backend([{ port: 80, targetPort: 80, appProtocol: 'tcp' }]), status: { vips: [{ ip: '241.0.0.1' }] } });
    await s.dp('dp-1', [{ port: 80 }]);
    await s.dp('dp-2', [{ port: 80, state: 'NotReady' }]);
    await s.settle();
    const ms = await s.ms('backend');
    assert.equal(ms?.spec.state, 'Available');
    assert.deepEqual(ms?.status?.dataplaneProxies, { connected: 1, healthy: 1, total: 2 });
    assert.deepEqual(ms?.status?.vips, [{ ip: '241.0.0.1' }]);
    await s.stop();
  });

  it('issue 12042: a targetPort that matches no inbound is named in a PortsMatched condition, state Unavailable', async () => {
    const s = await statusUpdater(new Set());
    await s.store.create(backend([{ name: 'http', port: 80, targetPort: 80, appProtocol: 'http' }]));
    await s.dp('dp-1', [{ port: 8080 }]);
    await s.settle();
    const ms = await s.ms('backend');
    assert.equal(ms?.spec.state, 'Unavailable');
    assert.deepEqual(ms?.status?.conditions, [
      { type: 'PortsMatched', status: 'False', reason: 'NoMatchingInbound', message: 'port http (targetPort 80) matches no inbound of the selected Dataplane, so it gets no endpoints' },
    ]);
    const spec = ms?.spec;
    assert.ok(ms && spec);
    await s.store.update({ ...ms, spec: { ...spec, ports: [{ name: 'http', port: 80, targetPort: 8080, appProtocol: 'http' }] }, version: ms.version });
    await s.settle();
    const fixed = await s.ms('backend');
    assert.equal(fixed?.spec.state, 'Available');
    assert.equal(fixed?.status?.conditions?.[0]?.status, 'True');
    await s.stop();
  });

  it('never touches a synced MeshService, and writes nothing when nothing changed', async () => {
    const s = await statusUpdater(new Set());
    await s.store.create(backend([{ port: 80, targetPort: 80, appProtocol: 'tcp' }], { 'kuma.io/origin': 'global' }));
    await s.dp('dp-1', [{ port: 80 }]);
    await s.settle();
    assert.equal((await s.ms('backend'))?.version, 1);
    await s.stop();
  });

  it('with refreshMs, picks up connection changes at the next deadline', async () => {
    const connected = new Set<string>();
    const s = await statusUpdater(connected, 5_000);
    await s.store.create(backend([{ port: 80, targetPort: 80, appProtocol: 'tcp' }]));
    await s.dp('dp-1', [{ port: 80 }]);
    await s.settle();
    connected.add('default.dp-1');
    s.clock.advance(4_999);
    await s.settle();
    assert.equal((await s.ms('backend'))?.status?.dataplaneProxies?.connected, 0);
    s.clock.advance(1);
    await s.settle();
    assert.equal((await s.ms('backend'))?.status?.dataplaneProxies?.connected, 1);
    await s.stop();
  });
});
