/**
 * The per-service LegacyVip record form: names (the address, so the store keeps one holder per
 * address), reading stored specs (held records are not in use, unusable ones are dropped, a service
 * with two in-use records reads its lowest address, the old per-mesh record fills in what records
 * do not name yet), and the conversion of an old per-mesh spec, odd ones included.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVips, legacyVipKey, legacyVipRecordsOf, legacyVipsIn, legacyVipsSpecFrom, readLegacyVip, storedLegacyVips } from './legacy-vip-records.js';

const HELD = { releasedAt: '2026-01-01T00:00:00Z', heldUntil: '2026-01-01T01:00:00Z' };

describe('LegacyVip records', () => {
  it('names a record after its address and orders addresses by value', () => {
    assert.deepEqual(legacyVipKey('m', '240.0.0.1'), { type: 'LegacyVip', mesh: 'm', name: '240.0.0.1' });
    assert.deepEqual(['240.0.0.10', 'fd00::1', '240.0.0.9'].sort(compareVips), ['240.0.0.9', '240.0.0.10', 'fd00::1']);
  });

  it('reads the lowest address of a service with two in-use records, and the old record for services not converted yet', () => {
    const records = [{ spec: { service: 'web', vip: '240.0.0.10' } }, { spec: { service: 'web', vip: '240.0.0.9' } }];
    assert.deepEqual([...legacyVipsIn(records)], [['web', '240.0.0.9']]);
    assert.deepEqual([...legacyVipsIn(records.reverse())], [['web', '240.0.0.9']]);
    const old = { vips: { web: '240.0.0.1', api: '240.0.0.2' } };
    assert.deepEqual([...legacyVipsIn(records, old)], [['api', '240.0.0.2'], ['web', '240.0.0.9']]);
    assert.deepEqual([...legacyVipsIn([], old)], [['api', '240.0.0.2'], ['web', '240.0.0.1']]);
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
      record('240.0.0.4', { service: 'web', vip: '240.0.0.4' }),
      record('240.0.0.3', { service: 'web', vip: '240.0.0.3', ...HELD }),
      record('240.0.0.10', { service: 'web', vip: '240.0.0.10' }),
      record('web', { service: 'web', vip: '240.0.0.6' }),
      record('240.0.0.5', { vip: '240.0.0.5' }),
    ]);
    assert.deepEqual([...stored].sort(), [['api', { service: 'api', vip: '240.0.0.2' }], ['web', { service: 'web', vip: '240.0.0.4' }]]);
    assert.deepEqual(strays.map((r) => r.name), ['240.0.0.3', '240.0.0.10', 'web', '240.0.0.5']);
  });
});
