/**
 * ProxySync builds a proxy's snapshot as its own layer over the outbound layer it shares with the
 * proxies of its shape (snapshot-layer.ts), so what a change costs in encoding does not grow with
 * the proxies it reaches: counted by the encoding memo, an endpoint change reaching 1 proxy or 12
 * looks up each shared resource once (and encodes only the changed ClusterLoadAssignment), and an
 * unchanged Dataplane's own resources are not looked up at all.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import { sharedEncodingMemo } from './envoy/encoding-memo.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { connect, dataplaneYaml, type Harness, harness, meshServiceYaml } from './proxy-sync-harness.js';

const running: Harness[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.stop();
});

const SERVICES = ['backend', 'api', 'redis'];

/** 3 MeshServices (one HTTP port each) with a Dataplane each, and `clients` proxies reaching all of them. */
async function meshWith(clients: number): Promise<Harness> {
  let yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n';
  SERVICES.forEach((s, i) => (yaml += meshServiceYaml(s, `241.0.0.${i + 1}`) + dataplaneYaml(`${s}-1`, `10.0.0.${i + 1}`, s)));
  for (let i = 0; i < clients; i++) yaml += dataplaneYaml(`client-${i}`, `10.0.1.${i}`, 'client');
  const h = await harness(yaml);
  running.push(h);
  connect(h, ...Array.from({ length: clients }, (_, i) => `default.client-${i}`));
  return h;
}

async function moveTo(h: Harness, name: string, address: string): Promise<void> {
  const dp = h.cache.get({ type: 'Dataplane', mesh: 'default', name }) as Resource<DataplaneSpec>;
  await h.store.update({ ...dp, spec: { ...dp.spec, networking: { ...dp.spec.networking, address } } });
}

/** Memo lookups (hits + misses) and misses of one endpoint change (a new address), and the proxies it regenerated. */
async function endpointChange(clients: number): Promise<{ lookups: number; misses: number; regenerated: number }> {
  const h = await meshWith(clients);
  h.regenerated();
  const before = sharedEncodingMemo.stats;
  const address = `10.0.9.${clients}`;
  await moveTo(h, 'backend-1', address);
  h.sync.flush();
  const after = sharedEncodingMemo.stats;
  const regenerated = h.regenerated();
  for (const node of regenerated) {
    const cla = h.snapshots.getSnapshot(node)?.resources(TYPE_URL.clusterLoadAssignment).get('default_backend__zone-1_msvc_8080');
    assert.ok(JSON.stringify(cla?.resource).includes(`"${address}"`), `${node} has the new address`);
  }
  return { lookups: after.hits + after.misses - before.hits - before.misses, misses: after.misses - before.misses, regenerated: regenerated.length };
}

describe('ProxySync snapshot layers', () => {
  it('an endpoint change looks up the shared resources once, whether it reaches 1 proxy or 12', async () => {
    // Per service: listener, route configuration, cluster, ClusterLoadAssignment.
    assert.deepEqual(await endpointChange(1), { lookups: 12, misses: 1, regenerated: 1 });
    assert.deepEqual(await endpointChange(12), { lookups: 12, misses: 1, regenerated: 12 });
  });
});
