import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { VipPool } from './vip-pool.js';

const HOUR = 60 * 60 * 1000;

function take(pool: VipPool, now: Date): string {
  const r = pool.allocate(now);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.ip;
}

describe('VipPool', () => {
  it('hands out addresses in order from the network address on', () => {
    const clock = new ManualClock();
    const pool = new VipPool({ cidr: '241.0.0.0/8' });
    assert.deepEqual([take(pool, clock.now()), take(pool, clock.now()), take(pool, clock.now())], ['241.0.0.0', '241.0.0.1', '241.0.0.2']);
    assert.equal(pool.isReserved('241.0.0.1'), true);
    assert.equal(pool.isReserved('241.0.0.3'), false);
  });

  it('skips reserved addresses and carries on across octet boundaries', () => {
    const now = new ManualClock().now();
    const pool = new VipPool({ cidr: '10.0.0.0/23' });
    assert.equal(pool.reserve('10.0.0.0'), 'reserved');
    assert.equal(pool.reserve('10.0.0.0'), 'taken');
    assert.equal(pool.reserve('10.0.2.0'), 'outside');
    assert.equal(pool.reserve('not-an-ip'), 'outside');
    assert.equal(take(pool, now), '10.0.0.1');
    for (let i = 2; i < 256; i++) take(pool, now);
    assert.equal(take(pool, now), '10.0.1.0');
  });

  it('wraps around to the start and finds the free address behind the cursor', () => {
    const now = new ManualClock().now();
    const pool = new VipPool({ cidr: '192.0.2.0/30', holdMs: 0 });
    assert.deepEqual([take(pool, now), take(pool, now), take(pool, now)], ['192.0.2.0', '192.0.2.1', '192.0.2.2']);
    pool.release('192.0.2.1', now);
    assert.equal(take(pool, now), '192.0.2.3', 'the cursor goes forward before wrapping');
    assert.equal(take(pool, now), '192.0.2.1', 'after wrapping it finds the released address');
  });

  it('holds a released address for the hold period, then hands it out again', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const pool = new VipPool({ cidr: '192.0.2.0/30' });
    for (let i = 0; i < 4; i++) take(pool, clock.now());
    const until = pool.release('192.0.2.2', clock.now());
    assert.equal(until?.toISOString(), '2026-01-01T01:00:00.000Z', 'default hold is one hour');
    assert.equal(pool.isHeld('192.0.2.2', clock.now()), true);
    assert.equal(pool.nextHoldExpiry()?.toISOString(), '2026-01-01T01:00:00.000Z');
    const early = pool.allocate(clock.now());
    assert.deepEqual(early, { ok: false, error: 'could not allocate a VIP from 192.0.2.0/30: all 4 addresses are in use or on hold' });
    clock.advance(HOUR - 1);
    assert.equal(pool.allocate(clock.now()).ok, false, 'still held one millisecond before the end');
    clock.advance(1);
    assert.equal(take(pool, clock.now()), '192.0.2.2');
    assert.equal(pool.nextHoldExpiry(), undefined);
  });

  it('does not hand out a held address while free ones exist, whatever the cursor says', () => {
    const clock = new ManualClock();
    const pool = new VipPool({ cidr: '192.0.2.0/29', holdMs: 10_000 });
    assert.equal(take(pool, clock.now()), '192.0.2.0');
    pool.release('192.0.2.0', clock.now());
    // A restart builds a fresh pool (cursor at the start) and restores the persisted hold.
    const restarted = new VipPool({ cidr: '192.0.2.0/29', holdMs: 10_000 });
    assert.equal(restarted.hold('192.0.2.0', new Date(clock.now().getTime() + 10_000)), true);
    assert.equal(take(restarted, clock.now()), '192.0.2.1');
    assert.deepEqual(restarted.holds().map((h) => h.ip), ['192.0.2.0']);
    clock.advance(10_000);
    assert.deepEqual(restarted.expireHolds(clock.now()), ['192.0.2.0']);
    assert.deepEqual(restarted.holds(), []);
  });

  it('a hold is refused for an address in use, and reserving a held address ends its hold', () => {
    const clock = new ManualClock();
    const pool = new VipPool({ cidr: '192.0.2.0/30' });
    pool.reserve('192.0.2.1');
    assert.equal(pool.hold('192.0.2.1', new Date(clock.now().getTime() + 5)), false);
    assert.equal(pool.hold('192.0.2.2', new Date(clock.now().getTime() + 5)), true);
    assert.equal(pool.reserve('192.0.2.2'), 'reserved');
    assert.equal(pool.isHeld('192.0.2.2', clock.now()), false);
    assert.deepEqual(pool.stats(), { inUse: 2, onHold: 0, capacity: 4n });
  });

  it('reports exhaustion on a /30 as a value and keeps working after a release', () => {
    const now = new ManualClock().now();
    const pool = new VipPool({ cidr: '198.51.100.4/30', holdMs: 0 });
    assert.deepEqual([0, 1, 2, 3].map(() => take(pool, now)), ['198.51.100.4', '198.51.100.5', '198.51.100.6', '198.51.100.7']);
    assert.deepEqual(pool.allocate(now), { ok: false, error: 'could not allocate a VIP from 198.51.100.4/30: all 4 addresses are in use or on hold' });
    assert.equal(pool.release('198.51.100.6', now)?.getTime(), now.getTime());
    assert.equal(take(pool, now), '198.51.100.6');
  });

  it('unreserve frees an address at once, without a hold', () => {
    const now = new ManualClock().now();
    const pool = new VipPool({ cidr: '192.0.2.0/31' });
    take(pool, now);
    take(pool, now);
    assert.equal(pool.unreserve('192.0.2.0'), true);
    assert.equal(pool.unreserve('192.0.2.0'), false);
    assert.equal(take(pool, now), '192.0.2.0');
  });

  it('works for IPv6, including huge ranges and canonical text', () => {
    const clock = new ManualClock();
    const pool = new VipPool({ cidr: 'fd00:abcd::/64' });
    assert.deepEqual([take(pool, clock.now()), take(pool, clock.now())], ['fd00:abcd::', 'fd00:abcd::1']);
    assert.equal(pool.reserve('FD00:ABCD:0:0::2'), 'reserved');
    assert.equal(take(pool, clock.now()), 'fd00:abcd::3');
    assert.equal(pool.contains('fd00:abce::1'), false);
    assert.equal(pool.contains('241.0.0.1'), false);
    assert.equal(pool.stats().capacity, 2n ** 64n);
    const small = new VipPool({ cidr: 'fd00::/127', holdMs: 0 });
    take(small, clock.now());
    take(small, clock.now());
    assert.deepEqual(small.allocate(clock.now()), { ok: false, error: 'could not allocate a VIP from fd00::/127: all 2 addresses are in use or on hold' });
  });

  it('never hands out excluded ranges and counts them out of the capacity', () => {
    const now = new ManualClock().now();
    const pool = new VipPool({ cidr: '10.0.0.0/29', exclude: ['10.0.0.2/31', '10.0.0.4/32', '192.0.2.0/24'] });
    assert.equal(pool.capacity, 5n);
    assert.equal(pool.reserve('10.0.0.3'), 'outside');
    assert.deepEqual([0, 1, 2, 3, 4].map(() => take(pool, now)), ['10.0.0.0', '10.0.0.1', '10.0.0.5', '10.0.0.6', '10.0.0.7']);
    assert.deepEqual(pool.allocate(now), { ok: false, error: 'could not allocate a VIP from 10.0.0.0/29: all 5 addresses are in use or on hold' });
  });

  it('rejects bad CIDRs and hold periods as configuration errors', () => {
    for (const cidr of ['241.0.0.0', '241.0.0.0/33', '241.1/8', 'fd00::/129', 'nonsense/8']) {
      assert.throws(() => new VipPool({ cidr }), ConfigError, cidr);
    }
    assert.throws(() => new VipPool({ cidr: '241.0.0.0/8', holdMs: -1 }), ConfigError);
  });
});
