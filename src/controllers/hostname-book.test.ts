/**
 * The incremental HostnameBook against the pure `assignHostnames`: after every one of a few
 * hundred random puts and removes (collision-prone templates, equal creation times, two meshes,
 * two kinds, a template that fails for some labels), the book's assignment of every target equals
 * a full recomputation, and every target whose assignment changed is among the keys it returned.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyString, type Labels } from '../core/resource.js';
import { assignHostnames, type HostnameAssignment, type HostnameTarget } from '../resources/hostname-generator/assign.js';
import type { HostnameGeneratorSpec } from '../resources/hostname-generator/types.js';
import { HostnameBook } from './hostname-book.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function gen(name: string, template: string, selector: HostnameGeneratorSpec['selector'], minute: number, labels: Labels = {}) {
  return { name, labels, creationTime: at(minute), spec: { selector, template } };
}

const GENERATORS = [
  gen('static', 'shared.mesh', { meshService: { matchLabels: { tier: 'a' } } }, 2),
  gen('by-name', '{{ .DisplayName }}.svc.mesh.local', { meshService: { matchLabels: {} } }, 1),
  gen('by-app', '{{ label "app" }}.mesh', { meshService: { matchLabels: { team: 'x' } } }, 1),
  gen('zone-first', '{{ label "app" }}.mesh', { meshService: { matchLabels: { tier: 'b' } } }, 5, { 'kuma.io/origin': 'zone' }),
  gen('multi', '{{ .Name }}.mzsvc.mesh.local', { meshMultiZoneService: { matchLabels: {} } }, 0),
  gen('multi-static', 'shared.mesh', { meshMultiZoneService: { matchLabels: { tier: 'a' } } }, 0),
];

function randomTarget(next: () => number): HostnameTarget {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const labels: Record<string, string> = {};
  if (next() < 0.5) labels.tier = pick(['a', 'b']);
  if (next() < 0.5) labels.team = pick(['x', 'y']);
  if (next() < 0.7) labels.app = pick(['web', 'api', 'db', 'Bad_Name']);
  return {
    type: pick(['MeshService', 'MeshService', 'MeshMultiZoneService']),
    mesh: pick(['default', 'other']),
    name: pick(['a', 'b', 'c', 'd', 'e', 'f']),
    labels,
    creationTime: at(Math.floor(next() * 3)),
  };
}

describe('HostnameBook', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches assignHostnames after every change (seed ${seed}), and reports every target it changed`, () => {
      const next = seededRandom(seed);
      const book = new HostnameBook('zone-1');
      const targets = new Map<string, HostnameTarget>();
      book.reset(GENERATORS, []);
      let before = new Map<string, HostnameAssignment>();
      for (let step = 0; step < 300; step++) {
        const t = randomTarget(next);
        const remove = targets.has(keyString(t)) && next() < 0.3;
        let reported: Set<string>;
        if (remove) {
          targets.delete(keyString(t));
          reported = book.remove(t);
        } else {
          targets.set(keyString(t), t);
          reported = book.put(t);
        }
        const after = assignHostnames({ generators: GENERATORS, targets: [...targets.values()], localZone: 'zone-1' });
        for (const [key, want] of after) {
          assert.deepEqual(book.assignment(key), want, `step ${step}: ${key}`);
          if (!reported.has(key)) assert.deepEqual(want, before.get(key), `step ${step}: ${key} changed but was not reported`);
        }
        if (remove) assert.equal(book.assignment(keyString(t)), undefined);
        before = after;
      }
    });
  }

  it('a new target that collides with nobody reports only itself', () => {
    const book = new HostnameBook('zone-1');
    const many = Array.from({ length: 50 }, (_, i) => ({ type: 'MeshService', mesh: 'default', name: `svc-${i}`, labels: {}, creationTime: at(i) }));
    book.reset(GENERATORS, many);
    const fresh = { type: 'MeshService', mesh: 'default', name: 'fresh', labels: {}, creationTime: at(99) };
    assert.deepEqual([...book.put(fresh)], ['MeshService/default/fresh']);
    assert.deepEqual(book.assignment('MeshService/default/fresh')?.addresses.map((a) => a.hostname), ['fresh.svc.mesh.local']);
  });

  it('removing the holder of a contested hostname reports the next claimant, which now gets it', () => {
    const book = new HostnameBook('zone-1');
    const older = { type: 'MeshService', mesh: 'default', name: 'older', labels: { tier: 'a' }, creationTime: at(0) };
    const newer = { type: 'MeshService', mesh: 'default', name: 'newer', labels: { tier: 'a' }, creationTime: at(1) };
    book.reset(GENERATORS, [newer, older]);
    assert.equal(book.assignment('MeshService/default/newer')?.hostnameGenerators.find((g) => g.hostnameGeneratorRef.coreName === 'static')?.conditions[0]?.reason, 'Collision');
    assert.deepEqual([...book.remove(older)], ['MeshService/default/newer']);
    assert.ok(book.assignment('MeshService/default/newer')?.addresses.some((a) => a.hostname === 'shared.mesh'));
  });
});
