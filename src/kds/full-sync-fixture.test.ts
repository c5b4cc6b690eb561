/**
 * Replays Kuma's KDS full-sync fixture (kds-full-sync-mesh-service): global, zone-1 and zone-2
 * start from their input YAML, each zone sends its full set to global, then global sends each
 * zone its full set, all through the same functions the gRPC sessions use; every store must then
 * hold what Kuma's goldens say. Deliberate differences, one named function each, are applied to
 * the goldens (never to our output) before comparing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { MemoryStore } from '../store/memory-store.js';
import { type Doc, dumpStore, loadFixture, readFixtureDocs, sortDocs, withoutTimes } from '../../test/support/kds-fixtures.js';
import { globalOutgoing, globalSideFor, receiveFull, zoneOutgoing, zoneSide } from './receiver.js';
import { ensureZone } from './zone-records.js';

/**
 * DIFFERENCE_ZONE_INSIGHT: Kuma's goldens hold its ZoneInsight resource (a health-check time) on
 * global and each zone's own insight in the zone. Meshplane keeps an internal ZoneInsight record
 * on global only (online/offline, connect times, last syncs; see zone-records.ts) and has no
 * ZoneInsight kind, so those documents are left out of the comparison.
 */
function DIFFERENCE_ZONE_INSIGHT(docs: Doc[]): Doc[] {
  return docs.filter((d) => d.type !== 'ZoneInsight');
}

function expected(file: string): Doc[] {
  return sortDocs(DIFFERENCE_ZONE_INSIGHT(readFixtureDocs(file)).map(withoutTimes));
}

async function actual(store: MemoryStore): Promise<Doc[]> {
  return dumpStore(store);
}

async function runFullSync(): Promise<{ global: MemoryStore; zones: Map<string, MemoryStore>; writes: Map<string, number> }> {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const global = new MemoryStore({ clock });
  await loadFixture(global, 'global.input.yaml');
  const zones = new Map<string, MemoryStore>();
  for (const name of ['zone-1', 'zone-2']) {
    const store = new MemoryStore({ clock });
    await loadFixture(store, `${name}.input.yaml`);
    zones.set(name, store);
  }
  const writes = new Map<string, number>();
  for (const [name, store] of zones) {
    await ensureZone(global, name);
    const out = await zoneOutgoing(store, name);
    assert.deepEqual(out.refused, [], `${name} refuses nothing`);
    const report = await receiveFull(global, globalSideFor(name), [...out.resources.values()]);
    assert.deepEqual(report.refused, [], `global refuses nothing from ${name}`);
    writes.set(`${name} -> global`, report.writes);
  }
  for (const [name, store] of zones) {
    const out = await globalOutgoing(global, name);
    const report = await receiveFull(store, zoneSide(), [...out.resources.values()]);
    assert.deepEqual(report.refused, [], `${name} refuses nothing from global`);
    writes.set(`global -> ${name}`, report.writes);
  }
  return { global, zones, writes };
}

describe('KDS full sync, Kuma fixture kds-full-sync-mesh-service', () => {
  it('global holds both zones\' MeshServices under hashed names with the source zone\'s status', async () => {
    const { global } = await runFullSync();
    assert.deepEqual(await actual(global), expected('global.golden.yaml'));
  });

  it('zone-1 keeps its local service and its own status for the synced copy', async () => {
    const { zones } = await runFullSync();
    assert.deepEqual(await actual(zones.get('zone-1') as MemoryStore), expected('zone-1.golden.yaml'));
  });

  it('zone-2 receives redis-zone-1-2v6wfvvcvbc9f55d with origin global and no status', async () => {
    const { zones } = await runFullSync();
    assert.deepEqual(await actual(zones.get('zone-2') as MemoryStore), expected('zone-2.golden.yaml'));
  });

  it('writes only what differs, and a second full sync writes nothing', async () => {
    const { global, zones, writes } = await runFullSync();
    assert.deepEqual(Object.fromEntries(writes), {
      // created redis-zone-1-2v6wfvvcvbc9f55d
      'zone-1 -> global': 1,
      // took zone-2's status into the existing redis-zone-2-ff29vc4685c6f594
      'zone-2 -> global': 1,
      // Mesh default created (the synced copy of redis-zone-2 already matched)
      'global -> zone-1': 1,
      // Mesh default and redis-zone-1-2v6wfvvcvbc9f55d created
      'global -> zone-2': 2,
    });
    for (const [name, store] of zones) {
      const up = await receiveFull(global, globalSideFor(name), [...(await zoneOutgoing(store, name)).resources.values()]);
      assert.equal(up.writes, 0, `${name} -> global again`);
      const down = await receiveFull(store, zoneSide(), [...(await globalOutgoing(global, name)).resources.values()]);
      assert.equal(down.writes, 0, `global -> ${name} again`);
    }
  });
});
