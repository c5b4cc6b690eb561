/**
 * MeshDataplanes kept change by change against dataplanePartsOf over the same Dataplanes, after
 * each of a few hundred random puts and removes: the same sorted list, the same legacy backends in
 * the same order, the same selections; and endpoints come out in Dataplane name order even when
 * the kept index answers in another.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import type { SelectingService } from '../resources/mesh-service/selection.js';
import { localServiceEndpoints } from './generators/endpoints.js';
import { resourceFromDocument, resourcesFromYaml, StaticView } from './generators/input-fixtures.js';
import { meshContextOf, type MeshServiceResource } from './proxy-context.js';
import { type DataplaneParts, dataplanePartsOf, MeshDataplanes } from './mesh-dataplanes.js';
import { seededRandom } from '../../test/support/seeded-random.js';

type Dataplane = Resource<DataplaneSpec>;

function dataplane(name: string, address: string, inbounds: readonly { service: string; port: number; ready: boolean }[], team: string): Dataplane {
  const inbound = inbounds.map((i) => ({ port: i.port, ...(i.ready ? {} : { state: 'NotReady' }), tags: { 'kuma.io/service': i.service } }));
  return resourceFromDocument({ type: 'Dataplane', mesh: 'default', name, labels: { team }, networking: { address, inbound } }) as Dataplane;
}

const SELECTORS: SelectingService[] = [
  ...['a', 'b', 'c'].map((s) => ({ mesh: 'default', spec: { selector: { dataplaneTags: { 'kuma.io/service': s } } } })),
  { mesh: 'default', spec: { selector: { dataplaneLabels: { matchLabels: { team: 'x' } } } } },
  { mesh: 'default', spec: { selector: { dataplaneRef: { name: 'dp-3' } } } },
];

/** What a MeshContext reads of the parts, with selections in name order. */
function summary(parts: DataplaneParts): unknown {
  const names = (dps: readonly Dataplane[]): string[] => dps.map((d) => d.name);
  return {
    dataplanes: parts.dataplanes,
    legacy: Object.fromEntries([...parts.legacyBackends].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, dps]) => [s, dps])),
    selected: SELECTORS.map((s) => names(parts.healthyIndex.select(s)).sort()),
    healthy: SELECTORS.map((s) => parts.healthyIndex.select(s).sort((a, b) => (a.name < b.name ? -1 : 1)).map((d) => d.spec.networking?.inbound)),
  };
}

describe('MeshDataplanes', () => {
  for (const seed of [1, 2]) {
    it(`equals the parts built anew after every one of 300 random changes (seed ${seed})`, () => {
      const next = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
      const live = new Map<string, Dataplane>();
      const kept = new MeshDataplanes('default', []);
      for (let step = 0; step < 300; step++) {
        const name = pick(['dp-0', 'dp-1', 'dp-2', 'dp-3', 'dp-4', 'dp-5']);
        if (live.has(name) && next() < 0.25) {
          live.delete(name);
          kept.remove(name);
        } else {
          const inbounds = pick([[8080], [8080, 9090], [9090]]).map((port) => ({ service: pick(['a', 'b', 'c']), port, ready: next() < 0.7 }));
          const dp = dataplane(name, pick(['10.0.0.1', '10.0.0.2']), inbounds, pick(['x', 'y']));
          live.set(name, dp);
          kept.put(dp);
        }
        // Sometimes several changes land before the next context is built.
        if (next() < 0.3) continue;
        assert.deepEqual(summary(kept.parts()), summary(dataplanePartsOf([...live.values()])), `step ${step}`);
      }
    });
  }

  it('a removal of a Dataplane it never had, and a put of the same version, change nothing', () => {
    const one = dataplane('dp-1', '10.0.0.1', [{ service: 'a', port: 8080, ready: true }], 'x');
    const kept = new MeshDataplanes('default', [one]);
    const before = kept.parts();
    kept.remove('dp-9');
    kept.put(one);
    assert.deepEqual(summary(kept.parts()), summary(before));
    assert.deepEqual(kept.parts().dataplanes.map((d) => d.name), ['dp-1']);
  });

  it('endpoints and their notes come in Dataplane name order whatever order the kept index answers in', () => {
    const view = new StaticView(
      resourcesFromYaml(`type: Mesh
name: default
---
type: MeshService
mesh: default
name: a
spec:
  selector:
    dataplaneTags:
      kuma.io/service: a
  ports:
  - port: 8080
    targetPort: 8080
`),
    );
    const port = [{ service: 'a', port: 8080, ready: true }];
    const kept = new MeshDataplanes('default', []);
    kept.put(dataplane('dp-2', 'two.local', port, 'x'));
    kept.put(dataplane('dp-1', 'one.local', port, 'x'));
    kept.parts();
    kept.put(dataplane('dp-3', 'three.local', port, 'x'));
    kept.put(dataplane('dp-1', 'one.example', port, 'x')); // to the end of the index's buckets
    const ctx = meshContextOf(view, 'default', kept.parts());
    assert.ok(ctx);
    const set = localServiceEndpoints(ctx, ctx.meshServices[0] as MeshServiceResource, 8080);
    assert.deepEqual(set.notes.map((n) => n.subject), ["MeshService 'a' port 8080: Dataplane 'dp-1'", "MeshService 'a' port 8080: Dataplane 'dp-2'", "MeshService 'a' port 8080: Dataplane 'dp-3'"]);
  });
});
