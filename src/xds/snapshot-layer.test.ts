/**
 * Layered snapshots against the flat build of the same inputs: over random resource lists (names
 * from a small pool, so duplicates, clashes between layers, dangling and resolved references and
 * nameless resources all happen), the layered snapshot has the same entries in the same order, the
 * same versions, problems and consistency errors. Versions are pinned against a sum computed here
 * with BigInt, and a kept layer is pinned by the encoding memo's counters.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { apiListener, edsCluster, loadAssignment, routeConfiguration } from '../../test/support/xds-clients/baseline-resources.js';
import { seededRandom } from '../../test/support/seeded-random.js';
import { EncodingMemo } from './envoy/encoding-memo.js';
import { RESOURCE_TYPES, TYPE_URL } from './envoy/type-urls.js';
import { layeredSnapshot, snapshotLayerOf } from './snapshot-layer.js';
import { buildSnapshot, consistencyErrors, type ResourceInput, type XdsSnapshot } from './snapshot.js';

const NAMES = ['a', 'b', 'c', 'd', 'e'];

function randomInput(next: () => number): ResourceInput {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const name = pick(NAMES);
  const roll = next();
  if (roll < 0.25) return { typeUrl: TYPE_URL.listener, resource: apiListener(name, `r-${pick(NAMES)}`) };
  if (roll < 0.45) return { typeUrl: TYPE_URL.routeConfiguration, resource: routeConfiguration(`r-${name}`, '*', pick(NAMES)) };
  if (roll < 0.65) return { typeUrl: TYPE_URL.cluster, resource: pick([edsCluster(name), { name, type: 'STATIC' }, { ...edsCluster(name), eds_cluster_config: { eds_config: { ads: {} }, service_name: `s-${name}` } }]) };
  if (roll < 0.9) return { typeUrl: TYPE_URL.clusterLoadAssignment, resource: loadAssignment(pick([name, `s-${name}`]), [{ address: '10.0.0.1', port: 80 + Math.floor(next() * 3) }]) };
  if (roll < 0.95) return { typeUrl: TYPE_URL.secret, resource: { name } };
  return { typeUrl: TYPE_URL.clusterLoadAssignment, resource: { endpoints: [] } };
}

function describeSnapshot(s: XdsSnapshot): unknown {
  return {
    types: RESOURCE_TYPES.map(({ typeUrl }) => {
      const entries = s.resources(typeUrl);
      const viaForEach: string[] = [];
      entries.forEach((e, k) => viaForEach.push(`${k}=${e.name}`));
      return {
        typeUrl,
        size: entries.size,
        entries: [...entries].map(([k, e]) => [k, e.name, e.hash, e.resource]),
        keys: [...entries.keys()],
        values: [...entries.values()].map((e) => e.hash),
        viaForEach,
        lookups: [...NAMES, ...NAMES.map((n) => `r-${n}`), ...NAMES.map((n) => `s-${n}`), 'none'].map((n) => [n, entries.has(n), entries.get(n)?.hash]),
        version: s.version(typeUrl),
      };
    }),
    versions: s.allVersions(),
    problems: s.buildProblems,
    errors: consistencyErrors(s),
  };
}

/** The version as this test reads the rule: sum mod 2^128 of sha256(name NUL hash)'s first 16 bytes, in hex. */
function expectedVersion(s: XdsSnapshot, typeUrl: string): string {
  let sum = 0n;
  for (const e of s.resources(typeUrl).values()) sum += BigInt(`0x${createHash('sha256').update(`${e.name}\u0000${e.hash}`).digest('hex').slice(0, 32)}`);
  return (sum % 2n ** 128n).toString(16).padStart(32, '0');
}

describe('layered snapshots', () => {
  it('equal the flat build of both layers in entries, order, versions, problems and errors, over 400 random pairs', () => {
    const next = seededRandom(7);
    const memo = new EncodingMemo();
    let clashes = 0;
    let joined = 0;
    for (let round = 0; round < 400; round++) {
      const list = (): ResourceInput[] => Array.from({ length: Math.floor(next() * 9) }, () => randomInput(next));
      const [first, second] = [list(), list()];
      const flat = buildSnapshot([...first, ...second], memo);
      const layered = layeredSnapshot(snapshotLayerOf(first, memo), snapshotLayerOf(second, memo));
      assert.deepEqual(describeSnapshot(layered), describeSnapshot(flat), `round ${round}`);
      const names = (xs: ResourceInput[]): Set<string> => new Set(xs.map((r) => `${r.typeUrl} ${String(r.resource.name ?? r.resource.cluster_name)}`));
      const firstNames = names(first);
      if ([...names(second)].some((n) => firstNames.has(n))) clashes++;
      else if (first.length > 0 && second.length > 0) joined++;
    }
    assert.ok(clashes > 50 && joined > 50, `clashes ${clashes}, joined ${joined}`);
  });

  it('version each type as the sum of its entry digests, whichever way the snapshot was built', () => {
    const next = seededRandom(8);
    const memo = new EncodingMemo();
    for (let round = 0; round < 100; round++) {
      const list = (): ResourceInput[] => Array.from({ length: Math.floor(next() * 9) }, () => randomInput(next));
      const layered = layeredSnapshot(snapshotLayerOf(list(), memo), snapshotLayerOf(list(), memo));
      for (const { typeUrl } of RESOURCE_TYPES) assert.equal(layered.version(typeUrl), expectedVersion(layered, typeUrl), `round ${round} ${typeUrl}`);
    }
    assert.equal(buildSnapshot([]).version(TYPE_URL.cluster), '0'.repeat(32));
  });

  it('gives equal content the same versions in any order and any split', () => {
    const next = seededRandom(9);
    const inputs = Array.from({ length: 40 }, () => randomInput(next));
    const flat = buildSnapshot(inputs).allVersions();
    const unique = [...new Map(inputs.map((r) => [`${r.typeUrl} ${String(r.resource.name ?? r.resource.cluster_name)}`, r])).values()];
    const shuffled = unique.map((r) => [next(), r] as const).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
    const cut = Math.floor(shuffled.length / 3);
    const layered = layeredSnapshot(snapshotLayerOf(shuffled.slice(0, cut)), snapshotLayerOf(shuffled.slice(cut)));
    assert.deepEqual(layered.allVersions(), buildSnapshot(unique).allVersions());
    assert.notDeepEqual(flat, buildSnapshot([]).allVersions());
  });

  it('encodes a kept layer once: a second proxy over it encodes only its own resources', () => {
    const memo = new EncodingMemo();
    const shared: ResourceInput[] = ['a', 'b', 'c'].flatMap((n) => [
      { typeUrl: TYPE_URL.cluster, resource: edsCluster(n) },
      { typeUrl: TYPE_URL.clusterLoadAssignment, resource: loadAssignment(n, [{ address: '10.0.0.1', port: 80 }]) },
    ]);
    const own = (n: string): ResourceInput[] => [{ typeUrl: TYPE_URL.cluster, resource: { name: `local-${n}`, type: 'STATIC' } }];
    const one = own('1');
    layeredSnapshot(snapshotLayerOf(one, memo), snapshotLayerOf(shared, memo));
    assert.deepEqual(memo.stats, { hits: 0, misses: 7, keyed: 0 });
    const second = layeredSnapshot(snapshotLayerOf(own('2'), memo), snapshotLayerOf(shared, memo));
    assert.deepEqual(memo.stats, { hits: 0, misses: 8, keyed: 0 }, 'the second proxy: its own cluster only');
    layeredSnapshot(snapshotLayerOf(one, memo), snapshotLayerOf(shared, memo));
    assert.deepEqual(memo.stats, { hits: 0, misses: 8, keyed: 0 }, 'the first again: both layers kept');
    assert.deepEqual([...second.resources(TYPE_URL.cluster).keys()], ['local-2', 'a', 'b', 'c']);
    assert.deepEqual(consistencyErrors(second), []);
  });
});
