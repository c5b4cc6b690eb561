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

  it('an identity hit with its key counts as use, and puts an evicted key back', () => {
    const memo = new EncodingMemo(2);
    const [a, b, c] = [named('ka'), named('kb'), named('kc')];
    memo.encode(TYPE_URL.cluster, a, 'ka');
    memo.encode(TYPE_URL.cluster, b, 'kb');
    memo.encode(TYPE_URL.cluster, a, 'ka'); // identity hit: ka is now the most recent
    memo.encode(TYPE_URL.cluster, c, 'kc'); // evicts kb
    assert.equal(memo.encode(TYPE_URL.cluster, named('ka'), 'ka').resource, a);
    assert.deepEqual(memo.stats, { hits: 2, misses: 3, keyed: 2 });
    memo.encode(TYPE_URL.cluster, b, 'kb'); // identity hit; kb is stored again (kc goes)
    assert.equal(memo.encode(TYPE_URL.cluster, named('kb'), 'kb').resource, b);
    assert.deepEqual(memo.stats, { hits: 4, misses: 3, keyed: 2 });
  });
});
