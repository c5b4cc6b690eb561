/**
 * A LegacyVip record matters to proxies only through its VIP in use: a service gaining or losing
 * its address regenerates the mesh's proxies (outside Exclusive); its hold starting to count down,
 * changing or ending regenerates nobody.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import { legacyVipKey } from '../ipam/legacy-vip-records.js';
import { connect, dataplaneYaml, type Harness, harness } from './proxy-sync-harness.js';

const running: Harness[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.stop();
});

const CLIENTS = ['default.client-0', 'default.client-1'];
const HOLD = { releasedAt: '2026-01-01T00:00:00.000Z', heldUntil: '2026-01-01T01:00:00.000Z' };

async function everywhereMesh(): Promise<Harness> {
  let yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Everywhere\n';
  for (let i = 0; i < 2; i++) yaml += dataplaneYaml(`client-${i}`, `10.0.1.${i}`, `client-${i}`);
  yaml += `---\ntype: LegacyVip\nmesh: default\nname: 240.0.0.5\nspec:\n  service: backend\n  vip: 240.0.0.5\n`;
  const h = await harness(yaml);
  running.push(h);
  connect(h, ...CLIENTS);
  h.regenerated();
  return h;
}

async function rewrite(h: Harness, spec: Record<string, unknown>): Promise<void> {
  const current = h.cache.get(legacyVipKey('default', '240.0.0.5')) as Resource;
  await h.store.update({ ...current, spec });
  h.sync.flush();
}

describe('ProxySync and LegacyVip records', () => {
  it('a VIP going on hold regenerates the proxies; the hold changing or ending does not', async () => {
    const h = await everywhereMesh();
    await rewrite(h, { service: 'backend', vip: '240.0.0.5', ...HOLD });
    assert.deepEqual(h.regenerated(), CLIENTS);
    await rewrite(h, { service: 'backend', vip: '240.0.0.5', ...HOLD, heldUntil: '2026-01-01T02:00:00.000Z' });
    assert.deepEqual(h.regenerated(), []);
    await h.store.delete(legacyVipKey('default', '240.0.0.5'));
    h.sync.flush();
    assert.deepEqual(h.regenerated(), []);
  });

  it('a service getting its VIP back from hold regenerates the proxies', async () => {
    const h = await everywhereMesh();
    await rewrite(h, { service: 'backend', vip: '240.0.0.5', ...HOLD });
    h.regenerated();
    await rewrite(h, { service: 'backend', vip: '240.0.0.5' });
    assert.deepEqual(h.regenerated(), CLIENTS);
  });

  it('an old per-mesh LegacyVips record (read until converted) appearing or going regenerates the proxies', async () => {
    const h = await everywhereMesh();
    const old = { type: 'LegacyVips', mesh: 'default', name: 'default', labels: {} };
    await h.store.create({ ...old, spec: { vips: { web: '240.0.0.9' } } });
    h.sync.flush();
    assert.deepEqual(h.regenerated(), CLIENTS);
    await h.store.delete(old);
    h.sync.flush();
    assert.deepEqual(h.regenerated(), CLIENTS);
  });
});
