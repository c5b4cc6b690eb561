/**
 * A MeshService the generator has just created has no VIP and no hostname yet: no proxy gets
 * anything from it, so ProxySync regenerates no one for it; its VIP, then its hostname, do.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { resourcesFromYaml } from './generators/input-fixtures.js';
import { connect, dataplaneYaml, type Harness, harness, meshServiceYaml } from './proxy-sync-harness.js';

const running: Harness[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.stop();
});

// Every client reaches every MeshService (Exclusive, no reachableBackends).
const CLIENTS = ['default.client-0', 'default.client-1', 'default.client-2'];

async function meshOfThreeClients(): Promise<Harness> {
  let yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n' + meshServiceYaml('backend', '241.0.0.1');
  for (let i = 0; i < 3; i++) yaml += dataplaneYaml(`client-${i}`, `10.0.1.${i}`, `client-${i}`);
  const h = await harness(yaml);
  running.push(h);
  connect(h, ...CLIENTS);
  h.regenerated();
  return h;
}

/** `fresh` as the generator writes it: spec only, no status. */
function unaddressed(): Resource {
  const [ms] = resourcesFromYaml(meshServiceYaml('fresh', '241.0.0.2').replace(/status:\n {2}vips:\n {2}- ip: 241\.0\.0\.2\n/, ''));
  if (ms === undefined || ms.status !== undefined) throw new Error('the fixture should have no status');
  return ms;
}

describe('ProxySync and a MeshService without VIP or hostname', () => {
  it('regenerates nobody when it appears, and every proxy reaching it once its VIP arrives', async () => {
    const h = await meshOfThreeClients();
    const fresh = unaddressed();
    await h.store.create(fresh);
    h.sync.flush();
    assert.deepEqual(h.regenerated(), []);
    const stored = h.cache.get({ type: 'MeshService', mesh: 'default', name: 'fresh' }) as Resource;
    await h.store.update({ ...stored, status: { vips: [{ ip: '241.0.0.2' }] } });
    h.sync.flush();
    assert.deepEqual(h.regenerated(), CLIENTS);
    const listener = h.snapshots.getSnapshot('default.client-0')?.resources(TYPE_URL.listener).get('outbound:241.0.0.2:8080');
    assert.ok(listener, 'the VIP gives the outbound listener');
  });

  it('regenerates the proxies that reached it when it loses its last VIP', async () => {
    const h = await meshOfThreeClients();
    const stored = h.cache.get({ type: 'MeshService', mesh: 'default', name: 'backend' }) as Resource;
    await h.store.update({ ...stored, status: {} });
    h.sync.flush();
    assert.deepEqual(h.regenerated(), CLIENTS);
    assert.equal(h.snapshots.getSnapshot('default.client-0')?.resources(TYPE_URL.listener).has('outbound:241.0.0.1:8080'), false);
  });
});
