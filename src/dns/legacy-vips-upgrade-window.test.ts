/**
 * Between an upgrade and the allocator converting a mesh's old per-mesh `LegacyVips` record (on a
 * follower, or on the leader before its first pass), DNS and xDS read the old record for every
 * service no LegacyVip record names yet; once converted, the records answer, with no clash between
 * the two forms and no name lost on the way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceCache } from '../controllers/resource-cache.js';
import { ManualClock } from '../core/clock.js';
import { MemoryStore } from '../store/memory-store.js';
import { meshContextOf, XDS_INPUT_KINDS } from '../xds/proxy-context.js';
import { DnsBook } from './dns-book.js';
import { buildDnsTable, DNS_SOURCE_TYPES } from './records.js';

const OLD = { type: 'LegacyVips', mesh: 'default', name: 'default', labels: {} };

describe('legacy VIP readers during the upgrade window', () => {
  it('answer from the old record until records take over, then from the records alone', async () => {
    const store = new MemoryStore();
    await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} });
    await store.create({ ...OLD, spec: { vips: { backend: '240.0.0.0', web: '240.0.0.1' } } });
    await store.create({ type: 'LegacyVip', mesh: 'default', name: '240.0.0.1', labels: {}, spec: { service: 'web', vip: '240.0.0.1' } });
    const cache = new ResourceCache({ store, types: [...new Set([...DNS_SOURCE_TYPES, ...XDS_INPUT_KINDS])] });
    await cache.start();
    const book = new DnsBook(cache);
    store.watch((e) => book.touch(e));
    const answers = () => {
      book.refresh();
      const table = buildDnsTable(cache);
      return {
        book: ['backend.mesh', 'web.mesh'].map((n) => book.lookup(n)?.ip),
        table: ['backend.mesh', 'web.mesh'].map((n) => table.lookup(n)?.ip),
        clashes: book.clashes.length,
        xds: [...(meshContextOf(cache, 'default')?.legacyVips ?? [])],
      };
    };
    const both = { book: ['240.0.0.0', '240.0.0.1'], table: ['240.0.0.0', '240.0.0.1'], clashes: 0, xds: [['backend', '240.0.0.0'], ['web', '240.0.0.1']] };
    assert.deepEqual(answers(), both);
    await store.create({ type: 'LegacyVip', mesh: 'default', name: '240.0.0.0', labels: {}, spec: { service: 'backend', vip: '240.0.0.0' } });
    assert.deepEqual(answers(), both);
    await store.delete(OLD);
    assert.deepEqual(answers(), both);
    await cache.stop();
  });

  it('rank a clash of `<service>.mesh` between meshes by the record’s `since`, not its creationTime', async () => {
    const clock = new ManualClock('2025-06-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    for (const m of ['alpha', 'zeta']) await store.create({ type: 'Mesh', mesh: '', name: m, labels: {}, spec: {} });
    await store.create({ type: 'LegacyVip', mesh: 'alpha', name: '240.0.0.7', labels: {}, spec: { service: 'backend', vip: '240.0.0.7' } });
    clock.advance(365 * 24 * 3600e3);
    // zeta's record was written at conversion, a year after alpha's; zeta's service is older still
    await store.create({ type: 'LegacyVip', mesh: 'zeta', name: '240.0.0.0', labels: {}, spec: { service: 'backend', vip: '240.0.0.0', since: '2025-01-01T00:00:00.000Z' } });
    const cache = new ResourceCache({ store, types: DNS_SOURCE_TYPES });
    await cache.start();
    assert.equal(new DnsBook(cache).lookup('backend.mesh')?.ip, '240.0.0.0');
    assert.equal(buildDnsTable(cache).lookup('backend.mesh')?.ip, '240.0.0.0');
    await cache.stop();
  });
});
