import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatKri, KriParseError, kriOf, parseKri, sniOf } from './kri.js';

describe('KRI', () => {
  it('leaves absent zone and namespace empty (Kuma: kri_msvc_default___redis-1_)', () => {
    assert.equal(formatKri(kriOf('msvc', { mesh: 'default', name: 'redis-1', labels: {} })), 'kri_msvc_default___redis-1_');
  });

  it('uses the zone label and the display name', () => {
    const r = { mesh: 'default', name: 'redis-zone-1-2v6wfvvcvbc9f55d', labels: { 'kuma.io/zone': 'zone-1', 'kuma.io/display-name': 'redis-zone-1' } };
    assert.equal(formatKri(kriOf('msvc', r, 'some-port')), 'kri_msvc_default_zone-1__redis-zone-1_some-port');
  });

  it('parses everything after the sixth underscore as the section name', () => {
    assert.deepEqual(parseKri('kri_mhttpr_default___test-origin_rule_0'), {
      shortName: 'mhttpr', mesh: 'default', zone: '', namespace: '', name: 'test-origin', sectionName: 'rule_0',
    });
  });

  it('rejects malformed identifiers with Kuma wording', () => {
    assert.throws(() => parseKri('kri_msvc'), (e: unknown) => e instanceof KriParseError && e.message === 'invalid identifier string: "kri_msvc"');
    assert.throws(() => parseKri('abc_msvc_a_b_c_d_e'), /identifier must start with 'kri'/);
  });

  it('builds SNIs with 5, 6 or 7 segments (Kuma examples)', () => {
    assert.equal(sniOf(kriOf('msvc', { mesh: 'default', name: 'backend', labels: {} }, '80')), 'sni.msvc.default.backend.80');
    assert.equal(sniOf(kriOf('msvc', { mesh: 'default', name: 'redis', labels: { 'kuma.io/zone': 'default' } }, '6379')), 'sni.msvc.default.default.redis.6379');
    const withNs = kriOf('msvc', { mesh: 'm', name: 'b', labels: { 'kuma.io/zone': 'z', 'k8s.kuma.io/namespace': 'ns' } }, 'http');
    assert.equal(sniOf(withNs), 'sni.msvc.m.z.ns.b.http');
    const nsNoZone = kriOf('msvc', { mesh: 'm', name: 'b', labels: { 'k8s.kuma.io/namespace': 'ns' } }, 'http');
    assert.equal(sniOf(nsNoZone), 'sni.msvc.m.b.http', 'the namespace segment appears only with a zone');
  });
});
