/**
 * MultiZoneSelectorIndex against brute force: after every one of a few hundred random puts and
 * removes of MeshServices and MeshMultiZoneServices (two meshes, a small label alphabet, empty
 * selectors, multi-label selectors), `selecting` and `selectedBy` give exactly what filtering
 * every resource with the matching rule gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyString } from '../core/resource.js';
import { type LabelledService, MultiZoneSelectorIndex, type SelectingService } from './multizone-selector-index.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const ALPHABET: readonly (readonly [string, readonly string[]])[] = [
  ['app', ['a', 'b', 'c']],
  ['tier', ['x', 'y']],
  ['kuma.io/zone', ['east', 'west']],
];

function randomLabels(next: () => number, p: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, vs] of ALPHABET) if (next() < p) out[k] = vs[Math.floor(next() * vs.length)] as string;
  return out;
}

const bruteMatches = (m: SelectingService, ms: LabelledService): boolean =>
  ms.mesh === m.mesh && Object.entries(m.spec?.selector?.meshService?.matchLabels ?? {}).every(([k, v]) => ms.labels[k] === v);

const names = (keys: readonly { readonly name: string; readonly mesh: string }[]): string[] => keys.map((k) => `${k.mesh}/${k.name}`).sort();

describe('MultiZoneSelectorIndex', () => {
  for (const seed of [1, 2, 3]) {
    it(`answers as brute force does after every change (seed ${seed})`, () => {
      const next = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
      const index = new MultiZoneSelectorIndex();
      const services = new Map<string, LabelledService>();
      const multi = new Map<string, SelectingService>();
      for (let step = 0; step < 300; step++) {
        const mesh = pick(['default', 'other']);
        if (next() < 0.6) {
          const ms = { type: 'MeshService', mesh, name: pick(['s1', 's2', 's3', 's4', 's5', 's6']), labels: randomLabels(next, 0.7) };
          if (services.has(keyString(ms)) && next() < 0.3) {
            services.delete(keyString(ms));
            index.removeService(ms);
          } else {
            services.set(keyString(ms), ms);
            index.putService(ms);
          }
        } else {
          const m = { type: 'MeshMultiZoneService', mesh, name: pick(['m1', 'm2', 'm3', 'm4']), spec: { selector: { meshService: { matchLabels: randomLabels(next, 0.4) } } } };
          if (multi.has(keyString(m)) && next() < 0.3) {
            multi.delete(keyString(m));
            index.removeMultiZone(m);
          } else {
            multi.set(keyString(m), m);
            index.putMultiZone(m);
          }
        }
        for (const ms of services.values()) {
          assert.deepEqual(names(index.selecting(ms)), names([...multi.values()].filter((m) => bruteMatches(m, ms))), `step ${step}: selecting ${keyString(ms)}`);
        }
        for (const m of multi.values()) {
          assert.deepEqual(names(index.selectedBy(m)), names([...services.values()].filter((ms) => bruteMatches(m, ms))), `step ${step}: selectedBy ${keyString(m)}`);
        }
      }
    });
  }

  it('files a selector under its first pair and an empty one under its mesh', () => {
    const index = new MultiZoneSelectorIndex();
    const ms = (name: string, labels: Record<string, string>, mesh = 'default') => ({ type: 'MeshService', mesh, name, labels });
    const mmzs = (name: string, matchLabels: Record<string, string>) => ({ type: 'MeshMultiZoneService', mesh: 'default', name, spec: { selector: { meshService: { matchLabels } } } });
    for (const m of [mmzs('web-east', { app: 'web', 'kuma.io/zone': 'east' }), mmzs('web', { app: 'web' }), mmzs('all', {}), { type: 'MeshMultiZoneService', mesh: 'default', name: 'none' }]) index.putMultiZone(m);
    assert.deepEqual(names(index.selecting(ms('w1', { app: 'web', 'kuma.io/zone': 'west' }))), ['default/all', 'default/none', 'default/web']);
    assert.deepEqual(names(index.selecting(ms('w2', { app: 'web', 'kuma.io/zone': 'east' }))), ['default/all', 'default/none', 'default/web', 'default/web-east']);
    assert.deepEqual(names(index.selecting(ms('w3', { app: 'web' }, 'other'))), []);
    index.putService(ms('w1', { app: 'web', 'kuma.io/zone': 'west' }));
    index.putService(ms('w2', { app: 'web', 'kuma.io/zone': 'east' }));
    index.putService(ms('w1', { app: 'api', 'kuma.io/zone': 'west' }));
    assert.deepEqual(names(index.selectedBy(mmzs('web', { app: 'web' }))), ['default/w2']);
    index.removeService({ type: 'MeshService', mesh: 'default', name: 'w2' });
    assert.deepEqual(names(index.selectedBy(mmzs('web', { app: 'web' }))), []);
    assert.deepEqual(names(index.selectedBy(mmzs('all', {}))), ['default/w1']);
  });
});
