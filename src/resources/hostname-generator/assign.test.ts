import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels } from '../../core/resource.js';
import { assignHostnames, type HostnameTarget } from './assign.js';
import type { HostnameGeneratorSpec } from './types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function gen(name: string, template: string, selector: HostnameGeneratorSpec['selector'], opts: { minute?: number; labels?: Labels } = {}) {
  return { name, labels: opts.labels ?? {}, creationTime: at(opts.minute ?? 0), spec: { selector, template } };
}

function ms(name: string, labels: Labels, minute = 0, mesh = 'default', type = 'MeshService'): HostnameTarget {
  return { type, mesh, name, labels, creationTime: at(minute) };
}

const generatedOk = { type: 'Generated', status: 'True', reason: 'Generated', message: '' };

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('assignHostnames', () => {
  it('a service no generator selects gets empty addresses and generator statuses', () => {
    const out = assignHostnames({
      generators: [gen('g', '{{ .Name }}.mesh', { meshService: { matchLabels: { team: 'x' } } })],
      targets: [ms('backend', { team: 'y' })],
      localZone: 'zone-1',
    });
    assert.deepEqual(out.get('MeshService/default/backend'), { addresses: [], hostnameGenerators: [] });
  });

  it('a matching generator gives an address and a Generated condition', () => {
    const out = assignHostnames({
      generators: [gen('backend', '{{ .Name }}.mesh', { meshService: { matchLabels: { label: 'value' } } })],
      targets: [ms('backend', { label: 'value' })],
      localZone: 'zone-1',
    });
    assert.deepEqual(out.get('MeshService/default/backend'), {
      addresses: [{ hostname: 'backend.mesh', origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'backend' } }],
      hostnameGenerators: [{ hostnameGeneratorRef: { coreName: 'backend' }, conditions: [generatedOk] }],
    });
  });

  it('on a collision the older service wins whatever the insertion order, and the loser is told the winner', () => {
    const generators = [gen('static', 'static.mesh', { meshService: { matchLabels: { generate: 'static' } } })];
    const backend = ms('backend', { generate: 'static' }, 0);
    const other = ms('other', { generate: 'static' }, 1);
    for (const targets of permutations([backend, other])) {
      const out = assignHostnames({ generators, targets, localZone: 'z' });
      assert.deepEqual(out.get('MeshService/default/backend')?.addresses.map((a) => a.hostname), ['static.mesh']);
      assert.deepEqual(out.get('MeshService/default/other'), {
        addresses: [],
        hostnameGenerators: [
          {
            hostnameGeneratorRef: { coreName: 'static' },
            conditions: [
              { type: 'Generated', status: 'False', reason: 'Collision', message: 'Hostname collision with MeshService backend: static.mesh is already taken' },
            ],
          },
        ],
      });
    }
  });

  it('services created at the same time are ordered by name', () => {
    const generators = [gen('static', 'static.mesh', { meshService: {} })];
    for (const targets of permutations([ms('b', {}), ms('a', {}), ms('c', {})])) {
      const out = assignHostnames({ generators, targets, localZone: 'z' });
      assert.equal(out.get('MeshService/default/a')?.addresses.length, 1);
      assert.equal(out.get('MeshService/default/b')?.hostnameGenerators[0]?.conditions[0]?.message, 'Hostname collision with MeshService a: static.mesh is already taken');
    }
  });

  it('a zone-origin generator takes precedence over an older global one; older generators over newer ones', () => {
    // global-old gives "x.mesh" to the newer service `n`; zone-new gives "x.mesh" to the older `o`.
    const generators = [
      gen('global-old', 'x.mesh', { meshService: { matchLabels: { pick: 'n' } } }, { minute: 0, labels: { 'kuma.io/origin': 'global' } }),
      gen('zone-new', 'x.mesh', { meshService: { matchLabels: { pick: 'o' } } }, { minute: 5, labels: { 'kuma.io/origin': 'zone' } }),
    ];
    const targets = [ms('o', { pick: 'o' }, 0), ms('n', { pick: 'n' }, 1)];
    for (const gs of permutations(generators)) {
      const out = assignHostnames({ generators: gs, targets, localZone: 'z' });
      assert.deepEqual(out.get('MeshService/default/o')?.addresses.map((a) => a.hostnameGeneratorRef.coreName), ['zone-new']);
      assert.equal(out.get('MeshService/default/n')?.hostnameGenerators[0]?.conditions[0]?.reason, 'Collision');
    }
    const sameOrigin = [
      gen('newer', 'x.mesh', { meshService: { matchLabels: { pick: 'o' } } }, { minute: 5 }),
      gen('older', 'x.mesh', { meshService: { matchLabels: { pick: 'n' } } }, { minute: 0 }),
    ];
    const out = assignHostnames({ generators: sameOrigin, targets, localZone: 'z' });
    assert.deepEqual(out.get('MeshService/default/n')?.addresses.map((a) => a.hostname), ['x.mesh']);
    assert.equal(out.get('MeshService/default/o')?.hostnameGenerators[0]?.conditions[0]?.message, 'Hostname collision with MeshService n: x.mesh is already taken');
  });

  it('the same hostname from two generators for one service is no collision; output is sorted by generator name', () => {
    const generators = [
      gen('zz', 'same.mesh', { meshService: {} }, { minute: 0 }),
      gen('aa', 'same.mesh', { meshService: {} }, { minute: 1 }),
    ];
    const out = assignHostnames({ generators, targets: [ms('one', {})], localZone: 'z' });
    assert.deepEqual(out.get('MeshService/default/one')?.addresses.map((a) => [a.hostnameGeneratorRef.coreName, a.hostname]), [
      ['aa', 'same.mesh'],
      ['zz', 'same.mesh'],
    ]);
    assert.deepEqual(out.get('MeshService/default/one')?.hostnameGenerators.map((g) => g.hostnameGeneratorRef.coreName), ['aa', 'zz']);
  });

  it('collisions are per mesh and per kind', () => {
    const generators = [
      gen('ms', 'shared.mesh', { meshService: {} }),
      gen('mzs', 'shared.mesh', { meshMultiZoneService: {} }),
    ];
    const targets = [ms('a', {}, 0, 'default'), ms('a', {}, 1, 'other'), ms('m', {}, 0, 'default', 'MeshMultiZoneService')];
    const out = assignHostnames({ generators, targets, localZone: 'z' });
    assert.deepEqual(out.get('MeshService/default/a')?.addresses.map((a) => a.hostname), ['shared.mesh']);
    assert.deepEqual(out.get('MeshService/other/a')?.addresses.map((a) => a.hostname), ['shared.mesh']);
    assert.deepEqual(out.get('MeshMultiZoneService/default/m')?.addresses.map((a) => a.hostname), ['shared.mesh']);
  });

  it('a generator for MeshMultiZoneService never touches MeshServices', () => {
    const out = assignHostnames({
      generators: [gen('mzs', '{{ .Name }}.mzsvc.mesh.local', { meshMultiZoneService: {} })],
      targets: [ms('backend', {}), ms('global', {}, 0, 'default', 'MeshMultiZoneService')],
      localZone: 'z',
    });
    assert.deepEqual(out.get('MeshService/default/backend'), { addresses: [], hostnameGenerators: [] });
    assert.deepEqual(out.get('MeshMultiZoneService/default/global')?.addresses.map((a) => a.hostname), ['global.mzsvc.mesh.local']);
  });

  it('template errors become TemplateError conditions with Kuma-style messages, and give no address', () => {
    const generators = [
      gen('missing-label', '{{ label "team" }}.mesh', { meshService: {} }),
      gen('bad-syntax', '{{ .Name[4 }}.mesh', { meshService: {} }),
      gen('not-dns', '{{ label "app" }}.mesh', { meshService: { matchLabels: { app: 'Backend_1' } } }),
    ];
    const out = assignHostnames({ generators, targets: [ms('backend', { app: 'Backend_1' })], localZone: 'z' });
    const got = out.get('MeshService/default/backend');
    assert.deepEqual(got?.addresses, []);
    const byGen = Object.fromEntries((got?.hostnameGenerators ?? []).map((g) => [g.hostnameGeneratorRef.coreName, g.conditions[0]]));
    assert.equal(byGen['bad-syntax']?.reason, 'TemplateError');
    assert.equal(byGen['bad-syntax']?.message, 'failed compiling gotemplate error="template: :1: bad character U+005B \'[\'"');
    assert.equal(byGen['missing-label']?.reason, 'TemplateError');
    assert.match(byGen['missing-label']?.message ?? '', /^pre evaluation of template with parameters failed with error=".*label team not found"$/);
    assert.equal(byGen['not-dns']?.reason, 'TemplateError');
    assert.match(byGen['not-dns']?.message ?? '', /^generated hostname "Backend_1\.mesh" is not a valid DNS name: a lowercase RFC 1123 subdomain/);
    assert.equal(byGen['not-dns']?.status, 'False');
  });

  it('uses the display name, namespace and zone label, falling back to the local zone', () => {
    const generators = [gen('g', '{{ .DisplayName }}.svc.{{ .Zone }}.mesh.local', { meshService: {} })];
    const out = assignHostnames({
      generators,
      targets: [ms('redis-x7', { 'kuma.io/display-name': 'redis', 'kuma.io/zone': 'east' }), ms('local', {}, 1)],
      localZone: 'west',
    });
    assert.equal(out.get('MeshService/default/redis-x7')?.addresses[0]?.hostname, 'redis.svc.east.mesh.local');
    assert.equal(out.get('MeshService/default/local')?.addresses[0]?.hostname, 'local.svc.west.mesh.local');
  });

  it('does not flap: ten recomputations over shuffled inputs give the same answer', () => {
    const generators = [
      gen('a', 'static.mesh', { meshService: {} }, { minute: 2 }),
      gen('b', '{{ .Name }}.mesh', { meshService: {} }, { minute: 1 }),
      gen('c', 'static.mesh', { meshService: {} }, { minute: 1, labels: { 'kuma.io/origin': 'zone' } }),
    ];
    const targets = [ms('s1', {}, 3), ms('s2', {}, 1), ms('s3', {}, 1), ms('static', {}, 0)];
    let seed = 7;
    const shuffle = <T>(xs: readonly T[]): T[] => {
      const a = [...xs];
      for (let i = a.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const j = seed % (i + 1);
        [a[i], a[j]] = [a[j] as T, a[i] as T];
      }
      return a;
    };
    const first = assignHostnames({ generators, targets, localZone: 'z' });
    // Generator c (zone origin) gives static.mesh to the oldest service, `static`, which then
    // also gets it from a and b (same service: no collision); the others lose static.mesh.
    assert.deepEqual(first.get('MeshService/default/static')?.addresses.map((a) => a.hostnameGeneratorRef.coreName), ['a', 'b', 'c']);
    assert.equal(first.get('MeshService/default/s3')?.hostnameGenerators[0]?.conditions[0]?.message, 'Hostname collision with MeshService static: static.mesh is already taken');
    assert.deepEqual(first.get('MeshService/default/s2')?.addresses.map((a) => a.hostname), ['s2.mesh']);
    for (let i = 0; i < 10; i++) {
      const again = assignHostnames({ generators: shuffle(generators), targets: shuffle(targets), localZone: 'z' });
      assert.deepEqual([...again.entries()].sort(), [...first.entries()].sort());
    }
  });
});
