import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewResource, Resource } from '../core/resource.js';
import { globalReceiverRules, planDelete, planFullSync, planUpsert, zoneReceiverRules } from './sync-plan.js';

const spec = { ports: [{ port: 80, targetPort: 80, appProtocol: 'tcp' }] };

function stored(r: NewResource, version = 1): Resource {
  return { ...r, creationTime: 't', modificationTime: 't', version };
}

const syncedToWest = (extra: Partial<NewResource> = {}): NewResource => ({
  type: 'MeshService',
  mesh: 'default',
  name: 'redis-cd75xf46x4b2zx4x',
  labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'east', 'kuma.io/display-name': 'redis' },
  spec,
  ...extra,
});

describe('planUpsert on a zone', () => {
  const rules = zoneReceiverRules();

  it('creates without status', () => {
    assert.deepEqual(planUpsert({ ...syncedToWest(), status: { vips: [{ ip: '1.1.1.1' }] } }, undefined, rules), { op: 'create', resource: syncedToWest() });
  });

  it('writes nothing when only the status differs: the zone keeps its own VIPs (kuma#13592)', () => {
    const own = stored({ ...syncedToWest(), status: { vips: [{ ip: '241.0.0.7' }] } });
    assert.equal(planUpsert(syncedToWest(), own, rules), undefined);
  });

  it('updates spec and labels but keeps the zone\'s status', () => {
    const own = stored({ ...syncedToWest(), status: { vips: [{ ip: '241.0.0.7' }] } }, 4);
    const changed = syncedToWest({ spec: { ports: [{ port: 81, targetPort: 81, appProtocol: 'tcp' }] } });
    assert.deepEqual(planUpsert(changed, own, rules), { op: 'update', resource: { ...changed, status: { vips: [{ ip: '241.0.0.7' }] }, version: 4 } });
  });

  it('never writes over a local MeshService with the same name', () => {
    const local = stored(syncedToWest({ labels: { 'kuma.io/origin': 'zone' } }));
    assert.deepEqual(planUpsert(syncedToWest(), local, rules), {
      op: 'refuse',
      key: { type: 'MeshService', mesh: 'default', name: 'redis-cd75xf46x4b2zx4x' },
      reason: "MeshService 'redis-cd75xf46x4b2zx4x' in mesh 'default' already exists here with kuma.io/origin: zone; the synced copy is not written over it",
    });
  });

  it('takes over a local Mesh (a kind only global provides)', () => {
    const local = stored({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} }, 2);
    const incoming: NewResource = { type: 'Mesh', mesh: '', name: 'default', labels: { 'kuma.io/origin': 'global' }, spec: {} };
    assert.deepEqual(planUpsert(incoming, local, rules), { op: 'update', resource: { ...incoming, version: 2 } });
  });

  it('deletes only synced copies', () => {
    const key = { type: 'MeshService', mesh: 'default', name: 'redis-cd75xf46x4b2zx4x' };
    assert.deepEqual(planDelete(key, stored(syncedToWest(), 3), rules), { op: 'delete', key, version: 3 });
    assert.equal(planDelete(key, stored(syncedToWest({ labels: {} })), rules), undefined);
    assert.equal(planDelete(key, undefined, rules), undefined);
  });
});

describe('planUpsert on global', () => {
  const rules = globalReceiverRules('east');
  const fromEast = (status: unknown): NewResource => ({ ...syncedToWest({ labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' } }), status });

  it('takes the zone\'s status', () => {
    const current = stored(fromEast({ vips: [{ ip: '241.0.0.0' }] }), 2);
    const next = fromEast({ vips: [{ ip: '241.0.0.1' }] });
    assert.deepEqual(planUpsert(next, current, rules), { op: 'update', resource: { ...next, version: 2 } });
    assert.equal(planUpsert(next, stored(next), rules), undefined);
  });

  it('does not let one zone write over another zone\'s copy', () => {
    const wests = stored({ ...fromEast(undefined), labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'west' } });
    assert.equal(planUpsert(fromEast(undefined), wests, rules)?.op, 'refuse');
  });
});

describe('planFullSync', () => {
  it('creates the Mesh before what lives in it, and deletes only what this stream manages', () => {
    const rules = zoneReceiverRules();
    const mesh: NewResource = { type: 'Mesh', mesh: '', name: 'default', labels: { 'kuma.io/origin': 'global' }, spec: {} };
    const staleCopy = stored(syncedToWest({ name: 'gone-4444444444444444' }), 5);
    const local = stored(syncedToWest({ name: 'mine', labels: {} }));
    const steps = planFullSync([syncedToWest(), mesh], [staleCopy, local], rules);
    assert.deepEqual(
      steps.map((s) => `${s.op} ${'resource' in s ? s.resource.name : s.key.name}`),
      ['create default', 'create redis-cd75xf46x4b2zx4x', 'delete gone-4444444444444444'],
    );
  });

  it('plans nothing when everything matches', () => {
    const rules = globalReceiverRules('east');
    const r: NewResource = { ...syncedToWest({ labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' } }), status: { vips: [] } };
    assert.deepEqual(planFullSync([r], [stored(r)], rules), []);
  });

  it('on global, a zone\'s full sync never deletes another zone\'s resources', () => {
    const rules = globalReceiverRules('east');
    const wests = stored(syncedToWest({ name: 'w', labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'west' } }));
    const globals = stored(syncedToWest({ name: 'g', labels: { 'kuma.io/origin': 'global' } }));
    assert.deepEqual(planFullSync([], [wests, globals], rules), []);
  });
});
