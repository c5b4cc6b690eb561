/**
 * EncodingMemo beyond what encode.test.ts covers: a keyed hit hands back the canonical object
 * (the first encoded under the key) so equal resources are kept once, and the keyed entries stay
 * within their count and byte bounds, least recently used first, identity hits counting as use.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TYPE_URL } from './type-urls.js';
import { EncodingMemo } from './encoding-memo.js';

const cluster = (name: string): Record<string, unknown> => ({ name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } });

describe('EncodingMemo canonical resources', () => {
  it('a keyed hit returns the object first encoded under the key, also for later identity hits', () => {
    const memo = new EncodingMemo();
    const first = cluster('backend');
    const copy = cluster('backend');
    assert.equal(memo.encode(TYPE_URL.cluster, first, 'k-backend').resource, first);
    assert.equal(memo.encode(TYPE_URL.cluster, copy, 'k-backend').resource, first);
    assert.equal(memo.encode(TYPE_URL.cluster, copy).resource, first);
    assert.deepEqual(memo.stats, { hits: 2, misses: 1, keyed: 1 });
  });

  it('without a key, or with another key, an object is its own canonical', () => {
    const memo = new EncodingMemo();
    const a = cluster('a');
    const b = cluster('a');
    assert.equal(memo.encode(TYPE_URL.cluster, a).resource, a);
    assert.equal(memo.encode(TYPE_URL.cluster, b, 'k-a').resource, b);
    assert.deepEqual(memo.stats, { hits: 0, misses: 2, keyed: 1 });
  });
});

describe('EncodingMemo bounds', () => {
  // `{name: 'kN'}` encodes to 4 bytes: tag, length, two characters.
  const named = (name: string): Record<string, unknown> => ({ name });

  it('drops the least recently used keyed entries beyond the byte bound', () => {
    const memo = new EncodingMemo(100, 8);
    for (const k of ['k1', 'k2', 'k3']) memo.encode(TYPE_URL.cluster, named(k), k);
    assert.deepEqual(memo.stats, { hits: 0, misses: 3, keyed: 2 });
    assert.equal(memo.keyedBytes, 8);
    memo.encode(TYPE_URL.cluster, named('k3'), 'k3');
    memo.encode(TYPE_URL.cluster, named('k1'), 'k1');
    assert.deepEqual(memo.stats, { hits: 1, misses: 4, keyed: 2 });
    assert.equal(memo.keyedBytes, 8);
  });

  it('an identity hit leaves the keyed LRU alone: a key evicted meanwhile costs one more encode', () => {
    const memo = new EncodingMemo(2);
    const [a, b, c] = [named('ka'), named('kb'), named('kc')];
    memo.encode(TYPE_URL.cluster, a, 'ka');
    memo.encode(TYPE_URL.cluster, b, 'kb');
    memo.encode(TYPE_URL.cluster, a, 'ka'); // identity hit: ka stays the oldest keyed entry
    memo.encode(TYPE_URL.cluster, c, 'kc'); // evicts ka
    assert.deepEqual(memo.stats, { hits: 1, misses: 3, keyed: 2 });
    assert.equal(memo.encode(TYPE_URL.cluster, a, 'ka').resource, a, 'the shared object itself still hits');
    const again = named('ka');
    assert.equal(memo.encode(TYPE_URL.cluster, again, 'ka').resource, again, 'an equal new object is encoded anew');
    assert.equal(memo.encode(TYPE_URL.cluster, named('kc'), 'kc').resource, c, 'kc is still keyed');
    assert.deepEqual(memo.stats, { hits: 3, misses: 4, keyed: 2 });
  });
});
