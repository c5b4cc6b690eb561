import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataplaneSpec, Inbound } from '../dataplane/types.js';
import { DataplaneIndex, type DataplaneResource, inboundMatchesPort, inboundsForPort, selects, type SelectingService } from './selection.js';
import type { MeshServiceSelector } from './types.js';

function dp(name: string, inbound: Inbound[], labels: Record<string, string> = {}, mesh = 'default'): DataplaneResource {
  const spec: DataplaneSpec = { networking: { address: '10.0.0.1', inbound } };
  return { type: 'Dataplane', mesh, name, labels, creationTime: '', modificationTime: '', version: 1, spec };
}

const ms = (selector: MeshServiceSelector | undefined, mesh = 'default'): SelectingService => ({ mesh, spec: selector ? { selector } : {} });

const redis01 = dp('redis-01', [{ port: 6379, tags: { 'kuma.io/service': 'redis' } }], { app: 'redis', version: 'v1' });
const redis02 = dp('redis-02', [{ port: 6379, tags: { 'kuma.io/service': 'redis' } }], { app: 'redis', version: 'v2' });
const otherMesh = dp('redis-01', [{ port: 6379, tags: { 'kuma.io/service': 'redis' } }], { app: 'redis', version: 'v1' }, 'other');
const notReady = dp('not-ready', [{ port: 6379, state: 'NotReady', tags: { 'kuma.io/service': 'redis' } }], { app: 'redis' });
const multi = dp('multi', [
  { port: 80, tags: { 'kuma.io/service': 'web', team: 'a' } },
  { port: 81, tags: { 'kuma.io/service': 'api', team: 'b' } },
]);
const gateway = dp('gw', [], { app: 'redis' });
const all = [redis01, redis02, otherMesh, notReady, multi, gateway];

const names = (dps: DataplaneResource[]): string[] => dps.map((d) => `${d.mesh}/${d.name}`);

describe('MeshService selection', () => {
  const cases: [string, MeshServiceSelector | undefined, string[]][] = [
    ['dataplaneRef by name', { dataplaneRef: { name: 'redis-01' } }, ['default/redis-01']],
    ['dataplaneRef to a missing name', { dataplaneRef: { name: 'nope' } }, []],
    ['dataplaneLabels subset; not v2, not the other mesh', { dataplaneLabels: { matchLabels: { app: 'redis', version: 'v1' } } }, ['default/redis-01']],
    ['dataplaneLabels that match nothing', { dataplaneLabels: { matchLabels: { app: 'nope' } } }, []],
    ['dataplaneLabels: health is not consulted, no-inbound Dataplanes never match', { dataplaneLabels: { matchLabels: { app: 'redis' } } }, ['default/redis-01', 'default/redis-02', 'default/not-ready']],
    ['empty matchLabels selects every Dataplane of the mesh that has inbounds', { dataplaneLabels: { matchLabels: {} } }, ['default/redis-01', 'default/redis-02', 'default/not-ready', 'default/multi']],
    ['dataplaneLabels without matchLabels is the same as empty', { dataplaneLabels: {} }, ['default/redis-01', 'default/redis-02', 'default/not-ready', 'default/multi']],
    ['dataplaneTags: one inbound carries every tag', { dataplaneTags: { 'kuma.io/service': 'api', team: 'b' } }, ['default/multi']],
    ['dataplaneTags across two inbounds do not combine', { dataplaneTags: { 'kuma.io/service': 'api', team: 'a' } }, []],
    ['dataplaneTags by service', { dataplaneTags: { 'kuma.io/service': 'redis' } }, ['default/redis-01', 'default/redis-02', 'default/not-ready']],
    ['empty dataplaneTags matches nothing', { dataplaneTags: {} }, []],
    ['no selector matches nothing', undefined, []],
    ['an empty selector matches nothing', {}, []],
  ];
  for (const [title, selector, expected] of cases) {
    it(title, () => {
      assert.deepEqual(names(all.filter((d) => selects(ms(selector), d))), expected, 'selects()');
      assert.deepEqual(names(new DataplaneIndex(all).select(ms(selector))), expected, 'DataplaneIndex');
    });
  }

  it('the index answers for the right mesh', () => {
    assert.deepEqual(names(new DataplaneIndex(all).select(ms({ dataplaneRef: { name: 'redis-01' } }, 'other'))), ['other/redis-01']);
  });

  it('pairs ports and inbounds by targetPort: a number is the inbound port, a string its name, absent matches nothing', () => {
    const inbound: Inbound = { port: 8080, name: 'main' };
    assert.equal(inboundMatchesPort(inbound, { targetPort: 8080 }), true);
    assert.equal(inboundMatchesPort(inbound, { targetPort: 80 }), false);
    assert.equal(inboundMatchesPort(inbound, { targetPort: 'main' }), true);
    assert.equal(inboundMatchesPort(inbound, { targetPort: '8080' }), false, 'a string never matches a port number');
    assert.equal(inboundMatchesPort(inbound, {}), false);
    assert.equal(inboundMatchesPort({ port: 80 }, { targetPort: '' }), false, 'an empty name never matches an unnamed inbound');
    assert.deepEqual(inboundsForPort(multi, { targetPort: 81 }).map((i) => i.port), [81]);
  });
});
