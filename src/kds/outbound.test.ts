import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../core/clock.js';
import { KINDS } from '../core/registry.js';
import type { NewResource } from '../core/resource.js';
import { MemoryStore } from '../store/memory-store.js';
import { BATCH_CHARS, decodeResource, type SyncMessage } from './kds-proto.js';
import { KdsEvents } from './kds-events.js';
import { Outbound } from './outbound.js';
import { kindsSentByGlobal, toZone } from './sync-rules.js';

/** What global holds for a MeshService from east. */
function fromEast(name: string, extra: Partial<NewResource> = {}): NewResource {
  return {
    type: 'MeshService',
    mesh: 'default',
    name,
    labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east', 'kuma.io/display-name': name.split('-')[0] ?? name },
    spec: { ports: [{ port: 80, targetPort: 80, appProtocol: 'tcp' }] },
    ...extra,
  };
}

async function globalToWest(store: MemoryStore): Promise<{ messages: SyncMessage[]; outbound: Outbound }> {
  const messages: SyncMessage[] = [];
  const outbound = new Outbound({
    store,
    logger: pino({ level: 'silent' }),
    zone: 'west',
    kinds: kindsSentByGlobal(KINDS),
    map: (r) => toZone(r, 'west'),
    send: (m) => messages.push(m),
    events: new KdsEvents(),
  });
  await outbound.start();
  return { messages, outbound };
}

const summary = (m: SyncMessage): string => {
  if (m.full_start) return 'full_start';
  if (m.batch) return `batch(${m.batch.resources?.length ?? 0})`;
  if (m.full_end) return `full_end(${m.full_end.count ?? 0})`;
  if (m.change) return `${m.change.deleted ? 'delete' : 'upsert'} ${decodeResource(m.change.resource ?? '').resource?.name ?? '?'}`;
  return '?';
};

describe('Outbound', () => {
  it('cuts a large full sync into batches of about the batch size', async () => {
    const store = new MemoryStore({ clock: new ManualClock() });
    const padding = 'x'.repeat(200_000);
    for (let i = 0; i < 12; i++) await store.create(fromEast(`svc${i}-hash`, { labels: { ...fromEast('a').labels, 'kuma.io/display-name': `svc${i}`, note: padding } }));
    const { messages, outbound } = await globalToWest(store);
    outbound.stop();
    const batches = messages.filter((m) => m.batch).map((m) => m.batch?.resources ?? []);
    assert.ok(batches.length >= 2, `several batches, got ${batches.length}`);
    for (const b of batches) assert.ok(b.join('').length < BATCH_CHARS + 250_000, 'each batch stops growing once past the batch size');
    assert.equal(batches.flat().length, 12);
    assert.deepEqual(messages.at(-1), { full_end: { count: 12 } });
  });

  it('sends nothing for a change the other side would not see (east\'s status), and a delete for what it sent', async () => {
    const store = new MemoryStore({ clock: new ManualClock() });
    const stored = await store.create(fromEast('redis-cd75xf46x4b2zx4x', { labels: { ...fromEast('a').labels, 'kuma.io/display-name': 'redis' } }));
    const { messages, outbound } = await globalToWest(store);
    const withStatus = await store.update({ ...stored, status: { vips: [{ ip: '241.0.0.1' }] }, version: stored.version });
    await store.update({ ...withStatus, labels: { ...withStatus.labels, team: 'a' }, version: withStatus.version });
    await store.delete(withStatus);
    outbound.stop();
    assert.deepEqual(messages.map(summary), ['full_start', 'batch(1)', 'full_end(1)', 'upsert redis-cd75xf46x4b2zx4x', 'delete redis-cd75xf46x4b2zx4x']);
  });

  it('deletes on the other side a resource that stops qualifying, and never sends one that never did', async () => {
    const store = new MemoryStore({ clock: new ManualClock() });
    const { messages, outbound } = await globalToWest(store);
    const r = await store.create(fromEast('redis-cd75xf46x4b2zx4x', { labels: { ...fromEast('a').labels, 'kuma.io/display-name': 'redis' } }));
    await store.update({ ...r, labels: { ...r.labels, 'kuma.io/kds-sync': 'disabled' }, version: r.version });
    await store.create(fromEast('mine-hash', { labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'west' } }));
    outbound.stop();
    assert.deepEqual(messages.map(summary), ['full_start', 'full_end(0)', 'upsert redis-cd75xf46x4b2zx4x', 'delete redis-cd75xf46x4b2zx4x']);
  });
});
