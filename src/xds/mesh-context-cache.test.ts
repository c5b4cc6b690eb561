/**
 * Which changes MeshContextCache keeps a mesh's context across (the same object, its memo with it)
 * and which make it build anew, counted by `stats.built`; equivalence with building from scratch
 * under random changes is mesh-context-equivalence.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeshContextCache, meshesChangedBy } from './mesh-context-cache.js';
import { type MeshContext, shared } from './proxy-context.js';
import { applyChange, type Doc, initialDocs, storeWorld, type StoreWorld } from './random-mesh-changes.js';

const backend = (status: Record<string, unknown>, port = 8080): Doc => ({
  type: 'MeshService',
  mesh: 'default',
  name: 'backend',
  spec: { selector: { dataplaneTags: { 'kuma.io/service': 'backend' } }, ports: [{ port, targetPort: 8080, appProtocol: 'http' }] },
  status: { vips: [{ ip: '241.0.0.1' }], ...status },
});
const route = (status: Record<string, unknown>, path = '/'): Doc => ({
  type: 'MeshHTTPRoute',
  mesh: 'default',
  name: 'r',
  spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], default: {} }] }] },
  status,
});
const vip = (service: string, ip: string, hold: Record<string, unknown> = {}): Doc => ({ type: 'LegacyVip', mesh: 'default', name: service, spec: { service, vip: ip, ...hold } });
const ingress = (address: string): Doc => ({ type: 'ZoneIngress', name: 'zi', labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'zone-2' }, networking: { address: '10.2.0.1', port: 10001, advertisedAddress: address, advertisedPort: 10001 } });
const dataplane = (address: string): Doc => ({ type: 'Dataplane', mesh: 'default', name: 'web-1', networking: { address, inbound: [{ port: 9090, tags: { 'kuma.io/service': 'web' } }] } });

async function setUp(): Promise<{ w: StoreWorld; contexts: MeshContextCache }> {
  const w = await storeWorld();
  for (const doc of [...initialDocs(), backend({}), route({}), vip('web', '240.0.0.1'), ingress('203.0.113.1'), dataplane('10.0.0.1')]) await applyChange(w, { put: doc });
  return { w, contexts: new MeshContextCache(w.cache) };
}

/** Whether the mesh's context after `change` is the one from before it, with its memo. */
async function keptAcross(w: StoreWorld, contexts: MeshContextCache, change: Doc, mesh = 'default'): Promise<boolean> {
  const before = contexts.contextOf(mesh) as MeshContext;
  shared(before, 'probe', () => 'built before');
  await applyChange(w, { put: change });
  const after = contexts.contextOf(mesh) as MeshContext;
  assert.equal(after === before, shared(after, 'probe', () => 'built after') === 'built before');
  return after === before;
}

describe('MeshContextCache', () => {
  it('builds a context once and hands the same one out until a change', async () => {
    const { contexts } = await setUp();
    const first = contexts.contextOf('default');
    assert.equal(contexts.contextOf('default'), first);
    assert.equal(contexts.contextOf('default'), first);
    assert.equal(contexts.stats.built, 1);
    assert.equal(contexts.contextOf('missing'), undefined);
    assert.deepEqual(contexts.keptMeshes, ['default']);
  });

  it('keeps it across a MeshService status change of dataplaneProxies alone (a connect storm), not across one of its VIPs or ports', async () => {
    const { w, contexts } = await setUp();
    for (let n = 1; n <= 20; n++) assert.equal(await keptAcross(w, contexts, backend({ dataplaneProxies: { connected: n, healthy: n, total: 20 } })), true);
    assert.equal(contexts.stats.built, 1);
    assert.equal(await keptAcross(w, contexts, backend({ vips: [{ ip: '241.0.0.9' }] })), false);
    assert.equal(await keptAcross(w, contexts, backend({ vips: [{ ip: '241.0.0.9' }] }, 8081)), false);
    assert.equal(contexts.stats.built, 3);
  });

  it('keeps it across a route status change, not across its spec', async () => {
    const { w, contexts } = await setUp();
    const condition = { type: 'ReferencesResolved', status: 'True', reason: 'Resolved', message: 'every reference resolves' };
    assert.equal(await keptAcross(w, contexts, route({ conditions: [condition] })), true);
    assert.equal(await keptAcross(w, contexts, route({ conditions: [condition] }, '/v2')), false);
  });

  it('keeps it across a LegacyVip hold starting on a new record or ending, not across a VIP appearing, moving or going', async () => {
    const { w, contexts } = await setUp();
    const hold = { releasedAt: '2026-01-01T00:00:00Z', heldUntil: '2026-01-02T00:00:00Z' };
    assert.equal(await keptAcross(w, contexts, vip('gone', '240.0.0.7', hold)), true, 'a held record appears');
    assert.equal(await keptAcross(w, contexts, vip('gone', '240.0.0.7', { ...hold, heldUntil: '2026-01-03T00:00:00Z' })), true, 'only its hold changes');
    const before = contexts.contextOf('default');
    await applyChange(w, { remove: { type: 'LegacyVip', mesh: 'default', name: 'gone' } });
    assert.equal(contexts.contextOf('default'), before, 'the hold ends');
    assert.equal(await keptAcross(w, contexts, vip('web', '240.0.0.2')), false, 'a VIP moves');
    assert.equal(await keptAcross(w, contexts, vip('web', '240.0.0.2', hold)), false, 'a VIP goes on hold');
    assert.equal(await keptAcross(w, contexts, vip('api', '240.0.0.3')), false, 'a VIP appears');
    const kept = contexts.contextOf('default');
    await applyChange(w, { remove: { type: 'LegacyVip', mesh: 'default', name: 'api' } });
    assert.notEqual(contexts.contextOf('default'), kept, 'a VIP in use goes');
  });

  it('a Dataplane or Mesh change rebuilds only its mesh; a ZoneIngress (global) rebuilds every mesh', async () => {
    const { w, contexts } = await setUp();
    const other = contexts.contextOf('other');
    assert.equal(await keptAcross(w, contexts, dataplane('10.0.0.2')), false);
    assert.equal(contexts.contextOf('other'), other);
    assert.equal(await keptAcross(w, contexts, { type: 'Mesh', name: 'default', meshServices: { mode: 'Everywhere' } }), false);
    assert.equal(contexts.contextOf('other'), other);
    assert.equal(await keptAcross(w, contexts, ingress('203.0.113.2')), false);
    assert.notEqual(contexts.contextOf('other'), other);
    assert.equal(contexts.stats.built, 6); // default 4 times (first, after each change), other twice
  });

  it('a deleted Mesh has no context; kinds generation does not read change nothing', async () => {
    const { w, contexts } = await setUp();
    const before = contexts.contextOf('other');
    await w.store.create({ type: 'DataplaneInsight', mesh: 'other', name: 'x', labels: {}, spec: {} });
    assert.equal(contexts.contextOf('other'), before);
    const insight = { type: 'DataplaneInsight', mesh: 'other', name: 'x', labels: {}, spec: {}, creationTime: '', modificationTime: '', version: 1 };
    assert.deepEqual(meshesChangedBy({ op: 'create', resource: insight }), []);
    await applyChange(w, { remove: { type: 'Mesh', mesh: '', name: 'other' } });
    assert.equal(contexts.contextOf('other'), undefined);
  });

  it('after stop nothing is kept: each call builds anew', async () => {
    const { w, contexts } = await setUp();
    contexts.stop();
    const one = contexts.contextOf('default');
    await applyChange(w, { put: dataplane('10.0.0.3') });
    const two = contexts.contextOf('default');
    assert.notEqual(one, two);
    assert.deepEqual(two?.dataplanes.map((d) => d.spec.networking?.address), ['10.0.0.3']);
    assert.deepEqual(contexts.keptMeshes, []);
  });

  it('reads and indexes a mesh\'s Dataplanes once; later Dataplane changes are taken one by one', async () => {
    const { w, contexts } = await setUp();
    contexts.contextOf('default');
    for (let i = 2; i < 12; i++) {
      await applyChange(w, { put: { ...dataplane(`10.0.0.${i}`), name: `web-${i}` } });
      assert.equal(contexts.contextOf('default')?.dataplanes.length, i);
    }
    await applyChange(w, { remove: { type: 'Dataplane', mesh: 'default', name: 'web-1' } });
    assert.equal(contexts.contextOf('default')?.dataplanes.length, 10);
    assert.deepEqual(contexts.stats, { built: 12, invalidating: 11, ignored: 0, dataplaneLoads: 1 });
    await applyChange(w, { remove: { type: 'Mesh', mesh: '', name: 'default' } });
    assert.equal(contexts.contextOf('default'), undefined);
    await applyChange(w, { put: initialDocs()[0] as Doc });
    assert.equal(contexts.contextOf('default')?.dataplanes.length, 10);
    assert.equal(contexts.stats.dataplaneLoads, 2);
  });
});
