import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DNS1035_MESSAGE, DNS1123_LABEL_MESSAGE } from '../core/dns-names.js';
import type { Labels, NewResource } from '../core/resource.js';
import { isSyncedCopy, syncedCopyRefusal } from '../manager/synced-copy.js';
import { meshDescriptor } from '../resources/mesh/descriptor.js';
import { FLAT_ENDPOINTS_TYPE, flatEndpointsRecord } from './flat-endpoints.js';
import { hashedName } from './hash-name.js';
import { findSyncedKind, fromGlobal, fromZone, kindsSentByGlobal, kindsSentByZone, SYNCED_KINDS, type SyncOutcome, toGlobal, toZone } from './sync-rules.js';

const spec = { selector: { dataplaneTags: { app: 'redis' } }, ports: [{ port: 6379, targetPort: 6379, appProtocol: 'tcp' }], state: 'Unavailable' };
const status = { vips: [{ ip: '241.0.0.0' }], addresses: [{ hostname: 'redis.svc.mesh.local', origin: 'HostnameGenerator' }] };

/** As admission leaves a MeshService created in zone `east`. */
function eastService(name = 'redis', extra: Labels = {}): NewResource {
  const labels = { 'kuma.io/display-name': name, 'kuma.io/env': 'universal', 'kuma.io/mesh': 'default', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east', ...extra };
  return { type: 'MeshService', mesh: 'default', name, labels, spec, status };
}

function sent(o: SyncOutcome): NewResource {
  assert.equal(o.action, 'send', `expected send, got ${JSON.stringify(o)}`);
  return (o as { resource: NewResource }).resource;
}

describe('toGlobal (zone -> global)', () => {
  it('hashes the name, keeps labels and status, marks origin and zone (worked example 7.4)', () => {
    const r = sent(toGlobal(eastService(), 'east'));
    assert.equal(r.name, 'redis-cd75xf46x4b2zx4x');
    assert.deepEqual(r.labels, { 'kuma.io/display-name': 'redis', 'kuma.io/env': 'universal', 'kuma.io/mesh': 'default', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' });
    assert.deepEqual(r.status, status);
    assert.deepEqual(r.spec, spec);
  });

  it('records the pre-rename name as display name, and drops the grace-period label', () => {
    const r = sent(toGlobal({ type: 'MeshService', mesh: 'default', name: 'redis-zone-1', labels: { team: 'db', 'kuma.io/deletion-grace-period-started-at': 'x' }, spec }, 'zone-1'));
    assert.equal(r.name, 'redis-zone-1-2v6wfvvcvbc9f55d');
    assert.deepEqual(r.labels, { team: 'db', 'kuma.io/display-name': 'redis-zone-1', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' });
    assert.equal(r.status, undefined);
  });

  it('hashes the namespace label too', () => {
    assert.equal(sent(toGlobal(eastService('redis', { 'k8s.kuma.io/namespace': 'kuma-demo' }), 'east')).name, 'redis-x5874724v674bxb2');
  });

  it('drops labels under the configured skip prefixes', () => {
    const r = sent(toGlobal(eastService('redis', { 'internal.example.com/owner': 'a' }), 'east', { skipLabelPrefixes: ['internal.example.com/'] }));
    assert.equal(r.labels['internal.example.com/owner'], undefined);
  });

  const skips: { title: string; r: NewResource; reason: string }[] = [
    { title: 'a copy received from global', r: eastService('x', { 'kuma.io/origin': 'global' }), reason: 'a copy received from global is never sent back' },
    { title: 'kds-sync disabled', r: eastService('x', { 'kuma.io/kds-sync': 'disabled' }), reason: 'labelled kuma.io/kds-sync: disabled' },
    { title: 'a Mesh', r: { type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} }, reason: 'Mesh does not flow from zones to global' },
    { title: 'a MeshMultiZoneService', r: { type: 'MeshMultiZoneService', mesh: 'default', name: 'm', labels: {}, spec: {} }, reason: 'MeshMultiZoneService does not flow from zones to global' },
    { title: 'an unknown kind', r: { type: 'VipHold', mesh: '', name: 'h', labels: {}, spec: {} }, reason: 'unknown kind VipHold' },
  ];
  for (const c of skips) it(`skips ${c.title}`, () => assert.deepEqual(toGlobal(c.r, 'east'), { action: 'skip', reason: c.reason }));

  it('refuses a display name that is not a DNS label (kuma#12653), with every violation', () => {
    const r: NewResource = { type: 'MeshService', mesh: 'default', name: 'redis_db', labels: {}, spec };
    assert.deepEqual(toGlobal(r, 'east'), {
      action: 'refuse',
      violations: [
        { field: 'labels["kuma.io/display-name"]', message: `"redis_db" becomes a DNS label in other zones: ${DNS1035_MESSAGE}` },
        { field: 'name', message: `synced name "redis_db-4v4wx5bbw7fz6425" ${DNS1035_MESSAGE}` },
      ],
    });
  });

  it('refuses a zone name that is not a DNS label', () => {
    const o = toGlobal({ type: 'MeshService', mesh: 'default', name: 'redis', labels: {}, spec }, 'zone_1');
    assert.deepEqual(o, { action: 'refuse', violations: [{ field: 'labels["kuma.io/zone"]', message: `"zone_1" ${DNS1123_LABEL_MESSAGE}` }] });
  });

  it('refuses a display name over 63 characters instead of sending it', () => {
    const long = `a${'b'.repeat(63)}`;
    const o = toGlobal({ type: 'MeshService', mesh: 'default', name: long, labels: {}, spec }, 'east');
    assert.ok(o.action === 'refuse');
    assert.deepEqual(o.violations[0], {
      field: 'labels["kuma.io/display-name"]',
      message: `"${long}" becomes a DNS label in other zones: must be no more than 63 characters (the name is used as a DNS label)`,
    });
  });

  it('keeps a 63-character name syncable: the synced name is cut to a 63-character DNS label', () => {
    const name = `svc-${'x'.repeat(59)}`;
    const r = sent(toGlobal(eastService(name), 'east'));
    assert.equal(r.name.length, 63);
    assert.ok(r.name.startsWith(`${name.slice(0, 46)}-`));
    assert.equal(r.labels['kuma.io/display-name'], name);
  });
});

describe('fromZone (global accepting)', () => {
  it('forces the connected zone: a zone cannot claim another zone\'s service', () => {
    const claimed = sent(toGlobal(eastService(), 'east'));
    const r = sent(fromZone(claimed, 'west'));
    assert.equal(r.labels['kuma.io/zone'], 'west');
    assert.equal(r.name, 'redis-f8xz8bddwx8b5c22', 'hashed with the connected zone');
    assert.notEqual(r.name, claimed.name);
  });

  it('is idempotent on what the zone sent', () => {
    const mapped = sent(toGlobal(eastService(), 'east'));
    assert.deepEqual(sent(fromZone(mapped, 'east')), mapped);
  });

  it('refuses kinds zones do not send', () => {
    assert.deepEqual(fromZone({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} }, 'east'), {
      action: 'refuse',
      violations: [{ field: 'type', message: 'Mesh is not accepted from zones' }],
    });
  });
});

describe('toZone (global -> zones)', () => {
  const onGlobal = (): NewResource => sent(toGlobal(eastService(), 'east'));

  it('sends a zone MeshService to another zone: same name, origin global, no status', () => {
    const r = sent(toZone(onGlobal(), 'west'));
    assert.equal(r.name, 'redis-cd75xf46x4b2zx4x');
    assert.equal(r.labels['kuma.io/origin'], 'global');
    assert.equal(r.labels['kuma.io/zone'], 'east');
    assert.equal(r.labels['kuma.io/display-name'], 'redis');
    assert.equal(r.status, undefined);
  });

  it('never sends it back to its own zone, nor from a disabled zone', () => {
    assert.deepEqual(toZone(onGlobal(), 'east'), { action: 'skip', reason: 'never sent back to its own zone east' });
    assert.deepEqual(toZone(onGlobal(), 'west', { isZoneEnabled: (z) => z !== 'east' }), { action: 'skip', reason: 'zone east is disabled' });
  });

  it('keeps a Mesh\'s name and labels it origin global (fixture zone goldens)', () => {
    const r = sent(toZone({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} }, 'west'));
    assert.deepEqual(r, { type: 'Mesh', mesh: '', name: 'default', labels: { 'kuma.io/origin': 'global' }, spec: {} });
  });

  it('hashes a MeshMultiZoneService created on global and drops its status', () => {
    const mmzs: NewResource = { type: 'MeshMultiZoneService', mesh: 'default', name: 'backend', labels: { 'kuma.io/origin': 'global', 'kuma.io/display-name': 'backend' }, spec: {}, status: { vips: [] } };
    const r = sent(toZone(mmzs, 'west'));
    assert.equal(r.name, 'backend-524cwbwv5vzz94b6');
    assert.equal(r.status, undefined);
  });

  it('hashes a global HostnameGenerator with an empty mesh', () => {
    const hg: NewResource = { type: 'HostnameGenerator', mesh: '', name: 'synced-universal-mesh-service', labels: { 'kuma.io/origin': 'global' }, spec: {} };
    assert.equal(sent(toZone(hg, 'west')).name, 'synced-universal-mesh-service-46484vczc724vc29');
  });

  const skips: { title: string; r: NewResource; reason: string }[] = [
    { title: 'a zone HostnameGenerator', r: { type: 'HostnameGenerator', mesh: '', name: 'h', labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' }, spec: {} }, reason: 'HostnameGenerator from a zone does not flow to other zones' },
    { title: 'a zone Dataplane', r: { type: 'Dataplane', mesh: 'default', name: 'd', labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' }, spec: {} }, reason: 'Dataplane from a zone does not flow to other zones' },
    { title: 'a Zone', r: { type: 'Zone', mesh: '', name: 'east', labels: {}, spec: {} }, reason: 'Zone created on global does not flow to zones' },
  ];
  for (const c of skips) it(`skips ${c.title}`, () => assert.deepEqual(toZone(c.r, 'west'), { action: 'skip', reason: c.reason }));
});

describe('fromGlobal (zone accepting)', () => {
  it('forces origin global and refuses kinds global does not send', () => {
    const r = sent(fromGlobal({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} }));
    assert.deepEqual(r.labels, { 'kuma.io/origin': 'global' });
    assert.deepEqual(fromGlobal({ type: 'Dataplane', mesh: 'default', name: 'd', labels: {}, spec: {} }), {
      action: 'refuse',
      violations: [{ field: 'type', message: 'Dataplane is not accepted from global' }],
    });
  });
});

describe('isSyncedCopy', () => {
  it('is a copy where its origin is the other mode', () => {
    assert.equal(isSyncedCopy({ labels: { 'kuma.io/origin': 'global' } }, 'zone'), true);
    assert.equal(isSyncedCopy({ labels: { 'kuma.io/origin': 'zone' } }, 'zone'), false);
    assert.equal(isSyncedCopy({ labels: {} }, 'zone'), false);
    assert.equal(isSyncedCopy({ labels: { 'kuma.io/origin': 'zone' } }, 'global'), true);
    assert.equal(isSyncedCopy({ labels: { 'kuma.io/origin': 'global' } }, 'global'), false);
  });

  it('explains the refusal', () => {
    const key = { type: 'MeshService', mesh: 'default', name: 'redis-cd75xf46x4b2zx4x' };
    assert.equal(
      syncedCopyRefusal({ ...key, labels: { 'kuma.io/origin': 'global' } }, 'zone'),
      "MeshService 'redis-cd75xf46x4b2zx4x' in mesh 'default' was synced from the global control plane (labelled kuma.io/origin: global) and cannot be modified or deleted on a zone control plane; change it on the global control plane",
    );
    assert.equal(
      syncedCopyRefusal({ ...key, labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' } }, 'global'),
      "MeshService 'redis-cd75xf46x4b2zx4x' in mesh 'default' was synced from zone 'east' (labelled kuma.io/origin: zone) and cannot be modified or deleted on the global control plane; change it on the zone control plane that owns it",
    );
    assert.equal(syncedCopyRefusal({ ...key, labels: {} }, 'zone'), undefined);
  });
});

describe('keepName (Kuma SkipKDSHash) comes from the descriptor', () => {
  it('a Mesh keeps its name in zones; a flat ZoneIngress from a zone is hashed like anything else', () => {
    assert.equal(meshDescriptor.sync.keepName, true);
    assert.equal(sent(toZone({ type: 'Mesh', mesh: '', name: 'payments', labels: {}, spec: {} }, 'west')).name, 'payments');
    const ingress: NewResource = { type: 'ZoneIngress', mesh: '', name: 'zi-1', labels: {}, spec: { networking: { address: '10.0.0.1', port: 10001 } } };
    const onGlobal = sent(toGlobal(ingress, 'east'));
    assert.equal(onGlobal.name, hashedName('', 'zi-1', ['east']));
    assert.equal(sent(toZone(onGlobal, 'west')).name, onGlobal.name);
  });
});

describe('FlatEndpoints records (flat-network endpoints)', () => {
  const record = (): NewResource => flatEndpointsRecord(eastService(), [{ port: 6379, endpoints: [{ address: '10.0.0.1', port: 6379 }] }]);

  it('travel only from a zone on a flat network, under the same hashed name as their MeshService', () => {
    assert.deepEqual(toGlobal(record(), 'east'), { action: 'skip', reason: 'this zone is not on a flat network' });
    const r = sent(toGlobal(record(), 'east', { flatNetwork: true }));
    assert.equal(r.name, sent(toGlobal(eastService(), 'east')).name);
    assert.equal(r.name, 'redis-cd75xf46x4b2zx4x');
    assert.deepEqual(r.spec, { ports: [{ port: 6379, endpoints: [{ address: '10.0.0.1', port: 6379 }] }] });
  });

  it('are passed on only to other zones that said they are on a flat network, never back to their own', () => {
    const onGlobal = sent(fromZone(sent(toGlobal(record(), 'east', { flatNetwork: true })), 'east'));
    assert.deepEqual(toZone(onGlobal, 'west'), { action: 'skip', reason: 'zone west is not on a flat network' });
    assert.deepEqual(toZone(onGlobal, 'east', { targetFlatNetwork: true }), { action: 'skip', reason: 'never sent back to its own zone east' });
    const inWest = sent(fromGlobal(sent(toZone(onGlobal, 'west', { targetFlatNetwork: true }))));
    assert.equal(inWest.name, 'redis-cd75xf46x4b2zx4x');
    assert.equal(inWest.labels['kuma.io/origin'], 'global');
    assert.equal(inWest.labels['kuma.io/zone'], 'east');
  });

  it('are part of what zones send and what global sends', () => {
    assert.ok(kindsSentByZone(SYNCED_KINDS).some((k) => k.name === FLAT_ENDPOINTS_TYPE));
    assert.ok(kindsSentByGlobal(SYNCED_KINDS).some((k) => k.name === FLAT_ENDPOINTS_TYPE));
    assert.equal(findSyncedKind(FLAT_ENDPOINTS_TYPE)?.nameRule, 'dns1035');
  });
});
