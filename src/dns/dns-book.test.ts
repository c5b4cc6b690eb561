/**
 * DnsBook against the full rebuild (`buildDnsTable`): random creates, updates and deletes of
 * MeshServices, MeshMultiZoneServices, Meshes (every mode) and LegacyVip records (in use and held), with clashing
 * names, bad addresses and equal creation times; after every refresh, every name answers the same,
 * the size and the clash report are the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceCache } from '../controllers/resource-cache.js';
import { ManualClock } from '../core/clock.js';
import { LEGACY_VIP_TYPE } from '../ipam/legacy-vip-records.js';
import { MemoryStore } from '../store/memory-store.js';
import { DnsBook } from './dns-book.js';
import { buildDnsTable, DNS_SOURCE_TYPES } from './records.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const HOSTNAMES = ['backend.mesh', 'a.b.mesh', 'web.svc.mesh.local', 'shared.mesh.local', 'WEB.svc.mesh.local.'];
const SERVICES = ['backend', 'a_b', 'web', 'api'];
const NAMES = [...new Set([...HOSTNAMES, ...SERVICES.flatMap((s) => [`${s}.mesh`, `${s.replace(/_/g, '.')}.mesh`])].map((n) => n.toLowerCase().replace(/\.$/, '')))];

describe('DnsBook', () => {
  for (const seed of [11, 12, 13]) {
    it(`answers like a full rebuild after every change (seed ${seed})`, async () => {
      const next = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
      const clock = new ManualClock('2026-01-01T00:00:00Z');
      const store = new MemoryStore({ clock });
      const cache = new ResourceCache({ store, types: DNS_SOURCE_TYPES });
      await cache.start();
      const book = new DnsBook(cache);
      cache.onChange((e) => book.touch(e));
      for (let step = 0; step < 400; step++) {
        if (next() < 0.5) clock.advance(1000);
        const kind = pick(['MeshService', 'MeshService', 'MeshMultiZoneService', 'Mesh', LEGACY_VIP_TYPE, LEGACY_VIP_TYPE]);
        const mesh = pick(['default', 'other']);
        const key = kind === 'Mesh' ? { type: kind, mesh: '', name: mesh } : kind === LEGACY_VIP_TYPE ? { type: kind, mesh, name: pick(SERVICES) } : { type: kind, mesh, name: pick(['a', 'b', 'c']) };
        const current = await store.get(key);
        if (current && next() < 0.25) {
          await store.delete(key);
        } else {
          let body: { spec: unknown; status?: unknown };
          if (kind === 'Mesh') body = { spec: pick([{}, { meshServices: { mode: 'Everywhere' } }, { meshServices: { mode: 'Exclusive' } }, { meshServices: { mode: 3 } }]) };
          else if (kind === LEGACY_VIP_TYPE) {
            const hold = next() < 0.3 ? { releasedAt: '2026-01-01T00:00:00Z', heldUntil: '2026-01-01T01:00:00Z' } : {};
            body = { spec: { service: key.name, vip: pick(['240.0.0.1', '240.0.0.2', '240.0.0.3', 'bad', 'fd00::240']), ...hold } };
          }
          else {
            const addresses = HOSTNAMES.filter(() => next() < 0.35).map((hostname) => ({ hostname, origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'g' } }));
            const vips = pick([[], [{ ip: '241.0.0.1' }], [{ ip: '241.0.0.2' }, { ip: '241.0.0.3' }], [{ ip: 'fd00::1' }], [{ ip: 'nope' }]]);
            body = { spec: {}, status: { addresses, vips } };
          }
          if (current) await store.update({ ...current, ...body, version: current.version });
          else await store.create({ ...key, labels: {}, ...body });
        }
        if (next() < 0.3) continue; // several changes before one refresh
        book.refresh();
        const full = buildDnsTable(cache);
        for (const name of NAMES) assert.deepEqual(book.lookup(name), full.lookup(name), `step ${step}: ${name}`);
        assert.equal(book.size, full.size, `step ${step}: size`);
        assert.deepEqual(book.clashes, full.clashes, `step ${step}: clashes`);
      }
      cache.stop();
    });
  }

  it('a refresh without changes does nothing; a change is taken in only at the refresh', async () => {
    const store = new MemoryStore();
    const cache = new ResourceCache({ store, types: DNS_SOURCE_TYPES });
    await cache.start();
    const book = new DnsBook(cache);
    cache.onChange((e) => book.touch(e));
    assert.equal(book.refresh(), false);
    await store.create({ type: 'MeshService', mesh: 'default', name: 'web', labels: {}, spec: {}, status: { vips: [{ ip: '241.0.0.5' }], addresses: [{ hostname: 'web.svc.mesh.local', origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'g' } }] } });
    assert.equal(book.lookup('web.svc.mesh.local'), undefined, 'not yet refreshed');
    assert.equal(book.refresh(), true);
    assert.deepEqual(book.lookup('web.svc.mesh.local'), { ip: '241.0.0.5', family: 4, source: "MeshService 'web' in mesh 'default'" });
    cache.stop();
  });
});
