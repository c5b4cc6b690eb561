import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAssignment } from '../../../test/support/xds-clients/baseline-resources.js';
import { encodeResource } from '../envoy/encode.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import type { DeltaResource } from './ads-messages.js';
import { adsServiceDefinition } from './ads-service.js';
import { splitDeltaUpdate, type DeltaChunk } from './delta-chunks.js';

const EDS = TYPE_URL.clusterLoadAssignment;

function resource(name: string, endpoints: number): DeltaResource {
  const eps = Array.from({ length: endpoints }, (_, i) => ({ address: `10.1.${Math.floor(i / 250)}.${i % 250}`, port: 9000 + i }));
  return { name, version: `h-${name}`, resource: encodeResource(EDS, loadAssignment(name, eps)) };
}

/** The codec's size of a chunk sent with the longest nonce a stream gives (16 digits). */
function encoded(chunk: DeltaChunk): number {
  const codec = adsServiceDefinition().DeltaAggregatedResources;
  assert.ok(codec);
  const response = { system_version_info: 'v1', resources: chunk.resources, type_url: EDS, removed_resources: chunk.removed, nonce: '9'.repeat(16) };
  return codec.responseSerialize(response).length;
}

/** A deterministic pseudo-random sequence (so a failure reproduces). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('splitDeltaUpdate', () => {
  it('keeps an update under the limit in one response', () => {
    const resources = [resource('a', 2), resource('b', 2)];
    const chunks = splitDeltaUpdate({ systemVersion: 'v1', typeUrl: EDS, resources, removed: ['gone'] }, 4_000_000);
    assert.deepEqual(
      chunks.map((c) => [c.removed, c.resources.map((r) => r.name)]),
      [[['gone'], ['a', 'b']]],
    );
  });

  it('sends one empty response for an empty update', () => {
    const chunks = splitDeltaUpdate({ systemVersion: 'v1', typeUrl: EDS, resources: [], removed: [] }, 100);
    assert.deepEqual(chunks.map((c) => [c.removed, c.resources]), [[[], []]]);
  });

  it('puts two equal resources per response when the limit fits two and not two plus a removed name, removed names first', () => {
    const resources = ['r1', 'r2', 'r3', 'r4', 'r5'].map((n) => resource(n, 20));
    const two = encoded({ resources: resources.slice(0, 2), removed: [], bytes: 0 });
    const chunks = splitDeltaUpdate({ systemVersion: 'v1', typeUrl: EDS, resources, removed: ['x'] }, two + 2);
    assert.deepEqual(
      chunks.map((c) => [c.removed, c.resources.map((r) => r.name)]),
      [
        [['x'], ['r1']],
        [[], ['r2', 'r3']],
        [[], ['r4', 'r5']],
      ],
    );
  });

  it('sends a resource larger than the limit alone', () => {
    const resources = [resource('small-1', 1), resource('huge', 2_000), resource('small-2', 1), resource('small-3', 1)];
    const chunks = splitDeltaUpdate({ systemVersion: 'v1', typeUrl: EDS, resources, removed: [] }, 10_000);
    assert.deepEqual(
      chunks.map((c) => c.resources.map((r) => r.name)),
      [['small-1'], ['huge'], ['small-2', 'small-3']],
    );
    assert.ok(encoded(chunks[1] as DeltaChunk) > 10_000);
    const first = splitDeltaUpdate({ systemVersion: 'v1', typeUrl: EDS, resources: resources.slice(1), removed: [] }, 10_000);
    assert.deepEqual(
      first.map((c) => c.resources.map((r) => r.name)),
      [['huge'], ['small-2', 'small-3']],
      'no empty response before a huge first resource',
    );
  });

  it('over random updates: keeps order, loses nothing, stays under the limit, and never leaves two neighbours that would fit together', () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const resources = Array.from({ length: Math.floor(next() * 12) }, (_, i) => resource(`c${round}-${i}`, Math.floor(next() * 60)));
      const removed = Array.from({ length: Math.floor(next() * 4) }, (_, i) => `gone-${round}-${i}`);
      const limit = 300 + Math.floor(next() * 4000);
      const chunks = splitDeltaUpdate({ systemVersion: 'v1', typeUrl: EDS, resources, removed }, limit);
      assert.deepEqual(chunks.flatMap((c) => c.resources), resources, `round ${round}: resources in order`);
      assert.deepEqual(chunks.flatMap((c) => c.removed), removed, `round ${round}: removed in order`);
      for (const chunk of chunks) {
        assert.equal(chunk.bytes, encoded(chunk), `round ${round}: size`);
        const items = chunk.resources.length + chunk.removed.length;
        assert.ok(chunk.bytes <= limit || items === 1, `round ${round}: ${chunk.bytes} > ${limit} with ${items} items`);
        assert.ok(items > 0 || chunks.length === 1, `round ${round}: an empty response among ${chunks.length}`);
      }
      for (let i = 1; i < chunks.length; i++) {
        const [before, after] = [chunks[i - 1] as DeltaChunk, chunks[i] as DeltaChunk];
        const firstOfAfter: DeltaChunk =
          after.removed.length > 0
            ? { resources: [], removed: [...before.removed, ...after.removed.slice(0, 1)], bytes: 0 }
            : { resources: [...before.resources, ...after.resources.slice(0, 1)], removed: before.removed, bytes: 0 };
        assert.ok(encoded(firstOfAfter) > limit, `round ${round}: chunk ${i} could have taken one more item`);
      }
    }
  });
});
