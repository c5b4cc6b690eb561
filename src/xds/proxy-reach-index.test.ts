/**
 * ProxyReachIndex: reachers and shape groups follow each generation and disconnect; and the reach
 * shape is a sound key, pinned against serviceDestinations itself: two Dataplanes of one shape,
 * differing in everything else, reach the same Mesh*Services in every mode (if generation starts
 * reading another field, this fails and reachShapeOf must learn it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import type { MeshServicesMode } from '../resources/mesh/types.js';
import { serviceDestinations } from './generators/destinations.js';
import type { DataplaneResource, MeshServiceResource, MultiZoneServiceResource } from './proxy-context.js';
import { ProxyReachIndex, reachShapeOf } from './proxy-reach-index.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const MODES: readonly MeshServicesMode[] = ['Disabled', 'Everywhere', 'ReachableBackends', 'Exclusive'];
const NAMES = ['backend', 'api', 'db'];

function resource<T>(type: string, name: string, labels: Record<string, string>, spec: T, status?: unknown): Resource<T> {
  return { type, mesh: 'default', name, labels, creationTime: '', modificationTime: '', version: 1, spec, ...(status === undefined ? {} : { status }) } as Resource<T>;
}

function dataplane(name: string, labels: Record<string, string>, transparentProxying: unknown, inboundPort: number): DataplaneResource {
  const networking = { address: '10.0.0.1', inbound: [{ port: inboundPort, tags: { 'kuma.io/service': name } }], ...(transparentProxying === undefined ? {} : { transparentProxying }) };
  return resource('Dataplane', name, labels, { networking }) as DataplaneResource;
}

/** Each field from a small domain, so that independent draws often share a shape and differ elsewhere. */
function randomDataplane(next: () => number, name: string): DataplaneResource {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const ref = (): Record<string, unknown> => {
    const r: Record<string, unknown> = { kind: pick(['MeshService', 'MeshService', 'MeshMultiZoneService', 'MeshExternalService']) };
    if (next() < 0.7) r.name = pick(NAMES);
    if (next() < 0.3) r.labels = { team: pick(['a', 'b']) };
    if (next() < 0.2) r.namespace = pick(['ns-1', 'ns-2']);
    if (next() < 0.2) r.port = pick([80, 8080]);
    return r;
  };
  const labels: Record<string, string> = {};
  if (next() < 0.6) labels['kuma.io/zone'] = pick(['zone-1', 'zone-2']);
  if (next() < 0.6) labels['k8s.kuma.io/namespace'] = pick(['ns-1', 'ns-2']);
  if (next() < 0.5) labels.team = pick(['a', 'b']);
  if (next() < 0.5) labels['kuma.io/env'] = pick(['universal', 'kubernetes']);
  const tp: Record<string, unknown> = {};
  if (next() < 0.6) tp.reachableBackends = { refs: next() < 0.2 ? [] : [ref()] };
  if (next() < 0.3) tp.reachableServices = next() < 0.3 ? [] : [pick(NAMES)];
  return dataplane(name, labels, next() < 0.2 ? undefined : tp, pick([80, 8080]));
}

function randomServices(next: () => number): { ms: MeshServiceResource[]; mz: MultiZoneServiceResource[] } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const labels = (): Record<string, string> => {
    const l: Record<string, string> = { 'kuma.io/display-name': pick(NAMES) };
    if (next() < 0.7) l['kuma.io/zone'] = pick(['zone-1', 'zone-2']);
    if (next() < 0.7) l['k8s.kuma.io/namespace'] = pick(['ns-1', 'ns-2']);
    if (next() < 0.5) l.team = pick(['a', 'b']);
    return l;
  };
  const ports = [{ name: 'http', port: 80, targetPort: 80, appProtocol: 'http' }, { port: 8080, targetPort: 8080 }].filter(() => next() < 0.7);
  const ms = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => resource('MeshService', `ms-${i}`, labels(), { ports, state: 'Available' }, { vips: [{ ip: `241.0.0.${i}` }] }) as unknown as MeshServiceResource);
  const mz = next() < 0.5 ? [resource('MeshMultiZoneService', 'mz-0', labels(), { ports, selector: {} }) as unknown as MultiZoneServiceResource] : [];
  return { ms, mz };
}

describe('reachShapeOf', () => {
  it('Dataplanes of one shape reach the same Mesh*Services in every mode (300 rounds of 30 random Dataplanes)', () => {
    const next = seededRandom(11);
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      const groups = new Map<string, DataplaneResource[]>();
      for (let i = 0; i < 30; i++) {
        const dp = randomDataplane(next, `dp-${i}`);
        groups.set(reachShapeOf(dp), [...(groups.get(reachShapeOf(dp)) ?? []), dp]);
      }
      const { ms, mz } = randomServices(next);
      for (const mode of MODES) {
        for (const [first, ...rest] of groups.values()) {
          if (first === undefined) continue;
          const reach = (dataplane: DataplaneResource) => serviceDestinations({ dataplane, mode }, ms, mz).map((d) => [d.key, d.ports.map((p) => p.sectionName)]);
          const expected = reach(first);
          for (const dp of rest) {
            assert.deepEqual(reach(dp), expected, `round ${round}, mode ${mode}: ${dp.name} and ${first.name} share a shape`);
            if (expected.length > 0) compared++;
          }
        }
      }
    }
    assert.ok(compared > 1000, `enough same-shape Dataplanes that reach something were compared (${compared})`);
  });

  it('differs when the zone label, the refs or the presence of reachableServices differ', () => {
    const base = dataplane('a', { 'kuma.io/zone': 'zone-1' }, { reachableBackends: { refs: [{ kind: 'MeshService', name: 'backend' }] } }, 80);
    assert.notEqual(reachShapeOf(base), reachShapeOf({ ...base, labels: { 'kuma.io/zone': 'zone-2' } }));
    assert.notEqual(reachShapeOf(base), reachShapeOf(dataplane('a', { 'kuma.io/zone': 'zone-1' }, { reachableBackends: { refs: [{ kind: 'MeshService', name: 'api' }] } }, 80)));
    assert.notEqual(reachShapeOf(dataplane('a', {}, undefined, 80)), reachShapeOf(dataplane('a', {}, { reachableServices: ['x'] }, 80)));
    assert.equal(reachShapeOf(dataplane('a', {}, { reachableServices: ['x'] }, 80)), reachShapeOf(dataplane('b', {}, { reachableServices: ['y'] }, 81)));
  });
});

describe('ProxyReachIndex', () => {
  const open = dataplane('a', {}, undefined, 80);
  const closed = dataplane('c', {}, { reachableBackends: { refs: [] } }, 80);

  it('keeps reachers, nodes per mesh and shape groups current across generations and disconnects', () => {
    const index = new ProxyReachIndex();
    index.add('default.a', 'default');
    index.add('default.b', 'default');
    index.add('default.c', 'default');
    index.add('other.d', 'other');
    index.record('default.a', open, new Set(['msvc:backend', 'msvc:api']));
    index.record('default.b', { ...open, name: 'b' }, new Set(['msvc:backend']));
    index.record('default.c', closed, new Set());
    index.record('other.d', open, new Set(['msvc:backend']));
    assert.deepEqual(index.nodesOf('default').sort(), ['default.a', 'default.b', 'default.c']);
    assert.deepEqual(index.reachersOf('default', ['msvc:backend', 'msvc:api']).sort(), ['default.a', 'default.b']);
    assert.deepEqual(index.reachersOf('other', ['msvc:backend']), ['other.d']);
    assert.deepEqual(index.shapesOf('default').map((g) => [...g.members].sort()), [['default.a', 'default.b'], ['default.c']]);

    index.record('default.a', closed, new Set(['msvc:api']));
    assert.deepEqual(index.reachersOf('default', ['msvc:backend']), ['default.b']);
    assert.deepEqual(index.shapesOf('default').map((g) => [...g.members].sort()), [['default.b'], ['default.a', 'default.c']]);

    index.record('default.b', undefined, new Set());
    index.remove('default.c');
    assert.deepEqual(index.reachersOf('default', ['msvc:backend', 'msvc:api']), ['default.a']);
    assert.deepEqual(index.shapesOf('default').map((g) => [...g.members]), [['default.a']]);
    assert.deepEqual(index.nodesOf('default').sort(), ['default.a', 'default.b']);
    assert.equal(index.size, 3);
  });
});
