/**
 * The two indexes that make one Dataplane change cheap, against the plain `selects()`: after random
 * puts and removes, MeshServiceSelectorIndex.selecting(dp) is exactly the services whose selector
 * picks dp, and a DataplaneIndex kept with put/remove selects what a freshly built one selects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inbound } from '../resources/dataplane/types.js';
import { DataplaneIndex, type DataplaneResource, selects } from '../resources/mesh-service/selection.js';
import type { MeshServiceSelector } from '../resources/mesh-service/types.js';
import { MeshServiceSelectorIndex } from './meshservice-selector-index.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const pickFrom = (next: () => number) => <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;

function randomDataplane(next: () => number): DataplaneResource {
  const pick = pickFrom(next);
  const inbound: Inbound[] = Array.from({ length: Math.floor(next() * 3) }, (_, i) => ({
    port: 8080 + i,
    tags: { 'kuma.io/service': pick(['web', 'api', 'db']), ...(next() < 0.5 ? { team: pick(['a', 'b']) } : {}) },
  }));
  const labels: Record<string, string> = next() < 0.6 ? { app: pick(['web', 'api']) } : {};
  if (next() < 0.3) labels.version = pick(['v1', 'v2']);
  return { type: 'Dataplane', mesh: pick(['default', 'other']), name: pick(['dp-1', 'dp-2', 'dp-3', 'dp-4', 'dp-5']), labels, creationTime: '', modificationTime: '', version: 1, spec: { networking: { address: '10.0.0.1', inbound } } };
}

function randomSelector(next: () => number): MeshServiceSelector | undefined {
  const pick = pickFrom(next);
  return pick<MeshServiceSelector | undefined>([
    { dataplaneTags: { 'kuma.io/service': pick(['web', 'api', 'db']) } },
    { dataplaneTags: { 'kuma.io/service': pick(['web', 'api']), team: pick(['a', 'b']) } },
    { dataplaneTags: {} },
    { dataplaneRef: { name: pick(['dp-1', 'dp-2', 'nope']) } },
    { dataplaneLabels: { matchLabels: { app: pick(['web', 'api']) } } },
    { dataplaneLabels: { matchLabels: { app: 'web', version: pick(['v1', 'v2']) } } },
    { dataplaneLabels: { matchLabels: {} } },
    { dataplaneLabels: {} },
    {},
    undefined,
  ]);
}

const sortedKeys = (xs: readonly { mesh: string; name: string }[]): string[] => xs.map((x) => `${x.mesh}/${x.name}`).sort();

describe('MeshServiceSelectorIndex and DataplaneIndex kept current', () => {
  for (const seed of [7, 8, 9]) {
    it(`answer like selects() after random changes (seed ${seed})`, () => {
      const next = seededRandom(seed);
      const pick = pickFrom(next);
      const services = new MeshServiceSelectorIndex();
      const dataplanes = new DataplaneIndex();
      const allServices = new Map<string, { type: string; mesh: string; name: string; labels: Record<string, string>; creationTime: string; modificationTime: string; version: number; spec: { selector?: MeshServiceSelector } }>();
      const allDataplanes = new Map<string, DataplaneResource>();
      for (let step = 0; step < 300; step++) {
        if (next() < 0.5) {
          const selector = randomSelector(next);
          const ms = { type: 'MeshService', mesh: pick(['default', 'other']), name: pick(['s1', 's2', 's3', 's4']), labels: {}, creationTime: '', modificationTime: '', version: 1, spec: selector ? { selector } : {} };
          const key = `${ms.mesh}/${ms.name}`;
          if (allServices.has(key) && next() < 0.3) {
            allServices.delete(key);
            services.remove(ms);
          } else {
            allServices.set(key, ms);
            services.put(ms);
          }
        } else {
          const dp = randomDataplane(next);
          const key = `${dp.mesh}/${dp.name}`;
          if (allDataplanes.has(key) && next() < 0.3) {
            allDataplanes.delete(key);
            dataplanes.remove(dp);
          } else {
            allDataplanes.set(key, dp);
            dataplanes.put(dp);
          }
        }
        const fresh = new DataplaneIndex(allDataplanes.values());
        for (const dp of allDataplanes.values()) {
          const want = [...allServices.values()].filter((ms) => selects(ms, dp));
          assert.deepEqual(sortedKeys(services.selecting(dp)), sortedKeys(want), `step ${step}: services selecting ${dp.mesh}/${dp.name}`);
        }
        for (const ms of allServices.values()) {
          assert.deepEqual(sortedKeys(dataplanes.select(ms)), sortedKeys(fresh.select(ms)), `step ${step}: Dataplanes of ${ms.mesh}/${ms.name}`);
        }
      }
    });
  }
});
