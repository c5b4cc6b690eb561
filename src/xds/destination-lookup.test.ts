/**
 * DestinationLookup against the scans proxy-sync used to do: after each of many random MeshService
 * and MeshMultiZoneService puts, updates and deletes, every lookup answers exactly what filtering
 * the full lists answers, and a lookup filled from the final state agrees with the followed one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayName } from '../core/kri.js';
import { keyString, type Resource } from '../core/resource.js';
import { selects } from '../resources/mesh-service/selection.js';
import type { StoreEvent } from '../store/store.js';
import { DestinationLookup } from './destination-lookup.js';
import type { DataplaneResource, MeshServiceResource, MultiZoneServiceResource, ResourceView } from './proxy-context.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const MESHES = ['default', 'other'];
const NAMES = ['backend', 'api', 'db', 'web'];
const ZONES = ['zone-1', 'zone-2', ''];

function resource(type: string, mesh: string, name: string, labels: Record<string, string>, spec: unknown, status?: unknown): Resource {
  return { type, mesh, name, labels, creationTime: '', modificationTime: '', version: 1, spec, ...(status === undefined ? {} : { status }) };
}

function randomService(next: () => number): Resource {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const labels: Record<string, string> = {};
  if (next() < 0.5) labels['kuma.io/display-name'] = pick(NAMES);
  if (next() < 0.5) labels['kuma.io/origin'] = pick(['global', 'zone']);
  if (next() < 0.6) labels['kuma.io/zone'] = pick(ZONES);
  const mesh = pick(MESHES);
  const name = `${pick(NAMES)}-${pick(['a', 'b', 'c'])}`;
  if (next() < 0.3) {
    const members = Array.from({ length: Math.floor(next() * 3) }, () => ({ name: pick([...NAMES, 'backend-a']), mesh }));
    return resource('MeshMultiZoneService', mesh, name, labels, { ports: [] }, { meshServices: members });
  }
  const selector = pick([
    { dataplaneTags: { 'kuma.io/service': pick(NAMES) } },
    { dataplaneTags: {} },
    { dataplaneRef: { name: pick(['dp-1', 'dp-2']) } },
    { dataplaneLabels: { matchLabels: { app: pick(NAMES) } } },
    { dataplaneLabels: { matchLabels: {} } },
    {},
  ]);
  return resource('MeshService', mesh, name, labels, { selector, ports: [] });
}

function randomDataplane(next: () => number): DataplaneResource {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const inbound = Array.from({ length: Math.floor(next() * 3) }, (_, i) => ({ port: 8080 + i, tags: { 'kuma.io/service': pick(NAMES) } }));
  const labels: Record<string, string> = next() < 0.5 ? { app: pick(NAMES) } : {};
  return resource('Dataplane', pick(MESHES), pick(['dp-1', 'dp-2', 'dp-3']), labels, { networking: { address: '10.0.0.1', inbound } }) as DataplaneResource;
}

const names = (rs: readonly Resource[]): string[] => rs.map(keyString).sort();

function viewOf(held: Map<string, Resource>): ResourceView {
  return {
    list: (type, mesh) => [...held.values()].filter((r) => r.type === type && (mesh === undefined || r.mesh === mesh)),
    get: (key) => held.get(keyString(key)),
  };
}

function assertAgrees(lookup: DestinationLookup, view: ResourceView, next: () => number, step: number): void {
  const services = view.list('MeshService') as MeshServiceResource[];
  const multiZone = view.list('MeshMultiZoneService') as MultiZoneServiceResource[];
  for (let i = 0; i < 4; i++) {
    const dp = randomDataplane(next);
    assert.deepEqual(names(lookup.selecting(dp)), names(services.filter((ms) => selects(ms, dp))), `step ${step}: selecting`);
  }
  for (const mesh of MESHES) {
    const over = services.filter((ms) => ms.mesh === mesh && next() < 0.5);
    const wanted = new Set(over.map(displayName));
    const expected = multiZone.filter((z) => z.mesh === mesh && (z.status?.meshServices ?? []).some((m) => wanted.has(m.name)));
    assert.deepEqual(names(lookup.multiZoneOver(mesh, over)), names(expected), `step ${step}: multiZoneOver`);
    for (const kind of ['MeshService', 'MeshMultiZoneService']) {
      for (const name of [...NAMES, 'backend-a']) {
        const expectedNamed = view.list(kind, mesh).filter((r) => displayName(r) === name);
        assert.deepEqual(names(lookup.named(mesh, kind, name)), names(expectedNamed), `step ${step}: named ${kind} ${name}`);
      }
    }
  }
  for (const zone of ZONES.filter((z) => z !== '')) {
    const expected = services.filter((ms) => ms.labels['kuma.io/origin'] === 'global' && ms.labels['kuma.io/zone'] === zone);
    assert.deepEqual(names(lookup.syncedFrom(zone)), names(expected), `step ${step}: syncedFrom ${zone}`);
  }
}

describe('DestinationLookup', () => {
  it('answers what scanning every service answers, after 600 random puts, updates and deletes', () => {
    const next = seededRandom(7);
    const held = new Map<string, Resource>();
    const view = viewOf(held);
    const lookup = new DestinationLookup();
    for (let step = 0; step < 600; step++) {
      const r = randomService(next);
      const previous = held.get(keyString(r));
      let event: StoreEvent;
      if (previous !== undefined && next() < 0.35) {
        held.delete(keyString(r));
        event = { op: 'delete', resource: previous };
      } else {
        held.set(keyString(r), r);
        event = previous === undefined ? { op: 'create', resource: r } : { op: 'update', resource: r, previous };
      }
      lookup.apply(event);
      if (step % 5 === 0) assertAgrees(lookup, view, next, step);
    }
    const filled = new DestinationLookup();
    filled.fill(view);
    assertAgrees(filled, view, next, -1);
    lookup.fill(view);
    assertAgrees(lookup, view, next, -2);
  });

  it('ignores events of other kinds', () => {
    const lookup = new DestinationLookup();
    lookup.apply({ op: 'create', resource: randomDataplane(seededRandom(1)) });
    assert.deepEqual(lookup.named('default', 'Dataplane', 'dp-1'), []);
  });
});
