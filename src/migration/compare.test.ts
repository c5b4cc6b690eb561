/** Per-proxy comparison: gains, losses and how each loss is covered, and the verdict levels. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareProxy, verdictOf } from './compare.js';
import { NO_RESOURCES, type ProxyOutcome } from './proxy-impact.js';
import type { DestinationSummary } from './types.js';

function d(key: string, reaches: string[], kind: DestinationSummary['kind'] = 'MeshService'): DestinationSummary {
  return { key, kind, name: key.split(':')[1] ?? key, addresses: [`${key}.example:80`], reaches };
}

function proxy(...destinations: DestinationSummary[]): ProxyOutcome {
  return { zone: 'west', name: 'web-1', counts: NO_RESOURCES, destinations: new Map(destinations.map((x) => [x.key, x])) };
}

describe('compareProxy', () => {
  const legacy = d('legacy:frontend', ['frontend@east', 'frontend@west'], 'kuma.io/service');

  it('replaced: one destination reaches everything the lost one did', () => {
    const p = compareProxy(proxy(legacy), proxy(d('mzsvc:frontend', ['frontend@east', 'frontend@west'], 'MeshMultiZoneService')));
    assert.deepEqual(p.gained.map((x) => x.key), ['mzsvc:frontend']);
    assert.deepEqual(p.lost.map((x) => [x.key, x.coverage, x.replacedBy.map((r) => r.key)]), [['legacy:frontend', 'replaced', ['mzsvc:frontend']]]);
  });

  it('split: only the per-zone MeshServices together reach both zones', () => {
    const p = compareProxy(proxy(legacy), proxy(d('msvc:frontend', ['frontend@west']), d('msvc:frontend-east', ['frontend@east'])));
    assert.deepEqual(p.lost.map((x) => [x.coverage, x.replacedBy.map((r) => r.key)]), [['split', ['msvc:frontend', 'msvc:frontend-east']]]);
  });

  it('partial and none', () => {
    assert.equal(compareProxy(proxy(legacy), proxy(d('msvc:frontend', ['frontend@west']))).lost[0]?.coverage, 'partial');
    assert.equal(compareProxy(proxy(legacy), proxy(d('msvc:backend', ['backend@east']))).lost[0]?.coverage, 'none');
  });

  it('a destination kept under the same key is neither gained nor lost', () => {
    const p = compareProxy(proxy(legacy), proxy(legacy));
    assert.deepEqual([p.gained, p.lost], [[], []]);
  });
});

describe('verdictOf', () => {
  const legacy = d('legacy:backend', ['backend@east'], 'kuma.io/service');
  it('safe when nothing is lost, renames when every loss is replaced, unsafe otherwise', () => {
    assert.equal(verdictOf([compareProxy(proxy(legacy), proxy(legacy))], []).level, 'safe');
    const renamed = verdictOf([compareProxy(proxy(legacy), proxy(d('msvc:backend', ['backend@east'])))], []);
    assert.deepEqual([renamed.level, renamed.safe], ['renames', false]);
    assert.deepEqual(renamed.proxies, ['west/web-1: kuma.io/service backend [legacy:backend.example:80] (replaced by MeshService backend [msvc:backend.example:80])']);
    assert.equal(verdictOf([compareProxy(proxy(legacy), proxy())], []).level, 'unsafe');
  });
});
