/**
 * LegacyVipBook against the pure `nextLegacyVips`: random service sets over random time steps, in
 * small pools (so exhaustion, holds, reclaiming a held address and hold expiry all happen), with
 * hold periods of 0, ten minutes and one hour; after every step the book's result equals the pure
 * function applied to the previous record, and the per-service records it names as touched are
 * exactly those that differ between the two states (no more, no fewer), so writing only them keeps
 * the stored records equal to the reference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LegacyVipBook } from './legacy-vip-book.js';
import { legacyVipRecordsOf, legacyVipsSpecFrom } from './legacy-vip-records.js';
import { nextLegacyVips, type LegacyVipsSpec } from './legacy-vips.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const SERVICES = ['web', 'api', 'db', 'cache', 'auth', 'mail', 'queue', 'search', 'pay', 'log'];
const POOLS = [
  { cidr: '10.0.0.0/29', exclude: ['10.0.0.4/31'] },
  { cidr: '10.0.0.0/28', exclude: [] },
  { cidr: '240.0.0.0/4', exclude: ['241.0.0.0/8', '242.0.0.0/8', '243.0.0.0/8'] },
];

describe('LegacyVipBook', () => {
  for (const holdMs of [0, 600_000, 3_600_000]) {
    for (const [p, pool] of POOLS.entries()) {
      it(`gives what nextLegacyVips gives, step after step (hold ${holdMs} ms, pool ${pool.cidr})`, () => {
        const next = seededRandom(holdMs + p);
        const options = { ...pool, holdMs };
        let now = Date.parse('2026-01-01T00:00:00Z');
        let wanted = new Set<string>();
        let first = nextLegacyVips({ current: undefined, services: wanted, now: new Date(now), ...options });
        const book = new LegacyVipBook(first.spec, options, first.exhausted);
        let spec: LegacyVipsSpec = first.spec;
        for (let step = 0; step < 400; step++) {
          now += Math.floor(next() * 6) * 300_000;
          const before = wanted;
          wanted = new Set(SERVICES.filter(() => next() < 0.6));
          const moved = SERVICES.filter((s) => before.has(s) !== wanted.has(s));
          const pure = nextLegacyVips({ current: spec, services: wanted, now: new Date(now), ...options });
          const got = book.next(wanted, new Date(now), step % 7 === 0 ? undefined : moved);
          const { changed, touched, addresses, ...rest } = got;
          assert.deepEqual({ spec: book.spec(), ...rest }, pure, `step ${step}`);
          assert.equal(changed, JSON.stringify(pure.spec) !== JSON.stringify(spec), `step ${step}: changed`);
          const was = legacyVipRecordsOf(spec);
          const after = legacyVipRecordsOf(pure.spec);
          const differing = [...new Set([...was.keys(), ...after.keys()])].filter((s) => JSON.stringify(was.get(s)) !== JSON.stringify(after.get(s))).sort();
          assert.deepEqual(touched, differing, `step ${step}: touched`);
          // The controller reads only the records at these addresses: every changed record's, before and after.
          const recordAddresses = differing.flatMap((s) => [was.get(s)?.vip, after.get(s)?.vip]).filter((ip): ip is string => ip !== undefined);
          for (const ip of recordAddresses) assert.ok(addresses.includes(ip), `step ${step}: address ${ip} of a changed record`);
          for (const s of SERVICES) assert.deepEqual(book.recordOf(s), after.get(s), `step ${step}: record of ${s}`);
          assert.deepEqual(legacyVipsSpecFrom(after.values()), pure.spec, `step ${step}: the records say the same as the spec`);
          spec = pure.spec;
        }
        first = nextLegacyVips({ current: spec, services: wanted, now: new Date(now), ...options });
        assert.deepEqual(first.spec, spec, 'the last record is a fixed point');
      });
    }
  }

  it('a new service in a mesh of thousands takes the lowest free address without a full rebuild', () => {
    const options = { cidr: '240.0.0.0/4', exclude: ['241.0.0.0/8'], holdMs: 3_600_000 };
    const services = new Set(Array.from({ length: 3000 }, (_, i) => `svc-${String(i).padStart(4, '0')}`));
    const now = new Date('2026-01-01T00:00:00Z');
    const start = nextLegacyVips({ current: undefined, services, now, ...options });
    const book = new LegacyVipBook(start.spec, options);
    services.add('zzz-new');
    const got = book.next(services, now, ['zzz-new']);
    assert.deepEqual(got.touched, ['zzz-new'], 'one record to write, not the mesh');
    assert.deepEqual(book.recordOf('zzz-new'), { service: 'zzz-new', vip: '240.0.11.184' });
    assert.equal(book.spec().vips['zzz-new'], '240.0.11.184');
    assert.equal(got.allocated, 1);
    assert.equal(got.changed, true);
  });
});
