/**
 * The per-service LegacyVip record form: names (a plain tag value is its own name; anything else
 * is escaped so that two values never share a name and no name holds a `/`), reading stored specs
 * (held records are not in use, unusable ones are dropped), and the conversion of an old per-mesh
 * spec, odd ones included.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { legacyVipName, legacyVipRecordsOf, legacyVipsIn, legacyVipsSpecFrom, readLegacyVip, storedLegacyVips } from './legacy-vip-records.js';

const HELD = { releasedAt: '2026-01-01T00:00:00Z', heldUntil: '2026-01-01T01:00:00Z' };

describe('LegacyVip records', () => {
  it('names a record after its service, escaping what is not a plain tag value', () => {
    assert.equal(legacyVipName('backend_kuma-demo_svc_8080'), 'backend_kuma-demo_svc_8080');
    assert.equal(legacyVipName('a:b.C-d'), 'a:b.C-d');
    assert.equal(legacyVipName('a/b'), 'a%2Fb');
    assert.equal(legacyVipName('a%2Fb'), 'a%252Fb');
    assert.equal(legacyVipName('é'), '%C3%A9');
    assert.equal(legacyVipName(''), '%');
  });

  it('reads a service in use, not one on hold, nor an unusable spec', () => {
    assert.deepEqual(readLegacyVip({ service: 'web', vip: '240.0.0.1' }), ['web', '240.0.0.1']);
    assert.equal(readLegacyVip({ service: 'web', vip: '240.0.0.1', ...HELD }), undefined);
    assert.equal(readLegacyVip({ service: 'web', vip: 'bad' }), undefined);
    assert.equal(readLegacyVip({ vip: '240.0.0.1' }), undefined);
    const records = [{ spec: { service: 'web', vip: '240.0.0.2' } }, { spec: { service: 'api', vip: '240.0.0.1' } }, { spec: { service: 'gone', vip: '240.0.0.3', ...HELD } }];
    assert.deepEqual([...legacyVipsIn(records)], [['api', '240.0.0.1'], ['web', '240.0.0.2']]);
  });

  it('converts an old per-mesh spec: in use wins over a hold of the same service, the lowest hold wins', () => {
    const old = {
      vips: { web: '240.0.0.1' },
      holds: {
        '240.0.0.9': { service: 'web', ...HELD },
        '240.0.0.7': { service: 'gone', ...HELD },
        '240.0.0.5': { service: 'gone', ...HELD },
      },
    };
    assert.deepEqual([...legacyVipRecordsOf(old)], [
      ['web', { service: 'web', vip: '240.0.0.1' }],
      ['gone', { service: 'gone', vip: '240.0.0.5', ...HELD }],
    ]);
    assert.deepEqual(legacyVipsSpecFrom(legacyVipRecordsOf(old).values()), { vips: { web: '240.0.0.1' }, holds: { '240.0.0.5': { service: 'gone', ...HELD } } });
  });

  it('reads what a mesh stored: records over the old spec, strays apart', () => {
    const record = (name: string, spec: unknown) => ({ type: 'LegacyVip', mesh: 'm', name, labels: {}, spec, creationTime: '', modificationTime: '', version: 1 });
    const { stored, strays } = storedLegacyVips({ vips: { web: '240.0.0.1', api: '240.0.0.2' } }, [
      record('web', { service: 'web', vip: '240.0.0.3' }),
      record('other', { service: 'web', vip: '240.0.0.4' }),
      record('broken', { vip: '240.0.0.5' }),
    ]);
    assert.deepEqual([...stored].sort(), [['api', { service: 'api', vip: '240.0.0.2' }], ['web', { service: 'web', vip: '240.0.0.3' }]]);
    assert.deepEqual(strays.map((r) => r.name), ['other', 'broken']);
  });
});
