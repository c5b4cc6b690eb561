/**
 * MeshContextCache against building every context from scratch: after each of a few hundred
 * seeded random store changes (random-mesh-changes.ts) written to a MemoryStore behind a real
 * ResourceCache, every proxy's config generated through the kept contexts renders exactly as
 * through freshMeshContexts, while most contexts are kept (not rebuilt) across the changes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import { generateProxyConfig, type ProxyConfig } from './generators/profile.js';
import { renderConfig } from './generators/render-config.js';
import { MeshContextCache } from './mesh-context-cache.js';
import { ENVOY_CLIENT, freshMeshContexts, type MeshContextSource, nodeIdOf, type ProxyClient, proxyContextOf, PROXYLESS_CLIENT } from './proxy-context.js';
import { applyChange, initialDocs, randomChange, type StoreWorld, storeWorld } from './random-mesh-changes.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const STEPS = 300;

const clientsOf = (dp: Resource): ProxyClient[] => (dp.name === 'dp-1' || dp.name === 'dp-3' ? [ENVOY_CLIENT, PROXYLESS_CLIENT] : [ENVOY_CLIENT]);

/** Every proxy's config (or why it has none), through one source of contexts. */
function generateAll(w: StoreWorld, source: MeshContextSource): Map<string, ProxyConfig | string> {
  const out = new Map<string, ProxyConfig | string>();
  for (const dp of w.cache.list('Dataplane')) {
    for (const client of clientsOf(dp)) {
      const nodeId = nodeIdOf(dp);
      const result = proxyContextOf(w.cache, nodeId, { client, meshContext: source.contextOf(dp.mesh) });
      out.set(`${nodeId}/${client.proxyless ? 'grpc' : 'envoy'}`, result.ok ? generateProxyConfig(result.context) : result.reason);
    }
  }
  return out;
}

/** Compares rendered configs; equal JSON (same values in the same order) renders alike, so YAML is made only when that differs. */
function assertRendersAlike(got: ProxyConfig | string | undefined, want: ProxyConfig | string, message: string): void {
  if (JSON.stringify(got) === JSON.stringify(want)) return;
  const render = (c: ProxyConfig | string | undefined): string | undefined => (typeof c === 'object' ? renderConfig(c) : c);
  assert.equal(render(got), render(want), message);
}

describe('MeshContextCache equals building from scratch', () => {
  for (const seed of [1, 2, 3]) {
    it(`renders every proxy as freshMeshContexts after each of ${STEPS} random changes (seed ${seed})`, async () => {
      const w = await storeWorld();
      for (const doc of initialDocs()) await applyChange(w, { put: doc });
      const kept = new MeshContextCache(w.cache);
      const fresh = freshMeshContexts(w.cache);
      const next = seededRandom(seed);
      let configs = 0;
      for (let step = 0; step < STEPS; step++) {
        const change = randomChange(next, w.docs);
        await applyChange(w, change);
        const want = generateAll(w, fresh);
        const got = generateAll(w, kept);
        for (const [proxy, config] of want) assertRendersAlike(got.get(proxy), config, `step ${step} (${JSON.stringify(change)}): ${proxy}`);
        assert.deepEqual([...got.keys()], [...want.keys()]);
        configs += want.size;
      }
      const { built, ignored } = kept.stats;
      assert.ok(configs > 1000, `only ${configs} configs compared`);
      assert.ok(ignored > 15, `only ${ignored} changes were left alone: the walk hardly exercises kept contexts`);
      assert.ok(built < STEPS * 2, `built ${built} contexts for ${STEPS} changes over two meshes: nothing was kept`);
      kept.stop();
    });
  }
});
