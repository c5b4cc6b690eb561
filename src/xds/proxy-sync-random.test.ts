/**
 * ProxySync regenerates only what a change needs, so a miss leaves a proxy with stale config. This
 * walks random changes (Dataplanes and their reach, MeshServices with their labels, selectors and
 * ports, a MeshMultiZoneService, MeshTimeouts and MeshHTTPRoutes with every kind of top-level and
 * `to` targetRef, the Mesh's mode, connects and disconnects) and after each batch checks every
 * connected proxy's snapshot against one generated from scratch, and that the batch regenerated
 * fewer proxies than all (the narrowing is exercised, not bypassed).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { buildSnapshot, consistencyErrors } from './snapshot.js';
import { generateProxyConfig } from './generators/profile.js';
import { resourceFromDocument } from './generators/input-fixtures.js';
import { ENVOY_CLIENT, meshContextOf, proxyContextOf } from './proxy-context.js';
import { type Harness, harness } from './proxy-sync-harness.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const running: Harness[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.stop();
});

const SERVICES = ['backend', 'api', 'db', 'web', 'cache'];
const DATAPLANES = ['dp-0', 'dp-1', 'dp-2', 'dp-3', 'dp-4', 'dp-5', 'dp-6', 'dp-7'];

type Doc = Record<string, unknown>;
type Step = { readonly put: Doc } | { readonly remove: string } | { readonly connect: boolean };

function changes(next: () => number): () => Step {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const service = (): Doc => {
    const name = pick(SERVICES);
    const ports = [{ name: 'http', port: 8080, targetPort: 8080, appProtocol: 'http' }, { port: 9090, targetPort: 9090, appProtocol: pick(['tcp', 'http']) }].filter((_, i) => i === 0 || next() < 0.4);
    return {
      type: 'MeshService',
      mesh: 'default',
      name,
      labels: next() < 0.5 ? { team: pick(['a', 'b']) } : {},
      spec: { selector: { dataplaneTags: { 'kuma.io/service': pick(SERVICES) } }, ports, state: 'Available' },
      status: { vips: [{ ip: `241.0.0.${SERVICES.indexOf(name) + 1}` }] },
    };
  };
  const dataplane = (): Doc => {
    const i = Math.floor(next() * DATAPLANES.length);
    const refs = [
      undefined,
      [],
      [{ kind: 'MeshService', name: pick(SERVICES) }],
      [{ kind: 'MeshService', labels: { team: pick(['a', 'b']) } }],
      [{ kind: 'MeshService', name: pick(SERVICES) }, { kind: 'MeshMultiZoneService', name: 'everywhere' }],
    ][Math.floor(next() * 5)];
    return {
      type: 'Dataplane',
      mesh: 'default',
      name: DATAPLANES[i],
      ...(next() < 0.4 ? { labels: { app: pick(['web', 'batch']) } } : {}),
      networking: {
        address: `10.0.0.${i + 1}`,
        inbound: [{ port: 8080, tags: { 'kuma.io/service': pick(SERVICES), 'kuma.io/protocol': 'http' } }],
        ...(refs === undefined ? {} : { transparentProxying: { reachableBackends: { refs } } }),
      },
    };
  };
  const top = (): Doc =>
    pick<Doc>([{ kind: 'Mesh' }, { kind: 'Dataplane', name: pick(DATAPLANES) }, { kind: 'Dataplane', labels: { app: 'web' } }, { kind: 'MeshService', name: pick(SERVICES) }, { kind: 'MeshSubset', tags: { 'kuma.io/service': pick(SERVICES) } }]);
  const to = (): Doc =>
    pick<Doc>([
      { kind: 'Mesh' },
      { kind: 'MeshService', name: pick(SERVICES) },
      { kind: 'MeshService', name: pick(SERVICES), sectionName: 'http' },
      { kind: 'MeshService', labels: { team: pick(['a', 'b']) } },
      { kind: 'MeshMultiZoneService', name: 'everywhere' },
    ]);
  const policy = (): Doc => {
    if (next() < 0.5) {
      const entries = Array.from({ length: 1 + Math.floor(next() * 2) }, () => ({ targetRef: to(), default: { connectionTimeout: `${1 + Math.floor(next() * 5)}s`, http: { requestTimeout: `${1 + Math.floor(next() * 9)}s` } } }));
      return { type: 'MeshTimeout', mesh: 'default', name: pick(['t-1', 't-2']), spec: { targetRef: top(), to: entries } };
    }
    const target = { kind: 'MeshService', name: pick(SERVICES) };
    const rules = [{ matches: [{ path: { type: 'PathPrefix', value: '/v2' } }], default: { backendRefs: [{ kind: 'MeshService', name: pick([...SERVICES, 'missing']), port: 8080 }] } }];
    return { type: 'MeshHTTPRoute', mesh: 'default', name: pick(['r-1', 'r-2']), spec: { targetRef: pick([{ kind: 'Mesh' }, top()]), to: [{ targetRef: target, rules }] } };
  };
  const multiZone = (): Doc => ({
    type: 'MeshMultiZoneService',
    mesh: 'default',
    name: 'everywhere',
    labels: { 'kuma.io/origin': 'global', team: pick(['a', 'b']) },
    spec: { selector: { meshService: { matchLabels: { 'kuma.io/display-name': pick(SERVICES) } } }, ports: [{ port: 8080, appProtocol: 'http' }] },
    status: { meshServices: [{ name: pick(SERVICES), mesh: 'default' }], vips: [{ ip: '242.0.0.1' }] },
  });
  const mesh = (): Doc => ({ type: 'Mesh', name: 'default', meshServices: { mode: pick(['Everywhere', 'Exclusive', 'ReachableBackends']) } });
  return () => {
    const roll = next();
    if (roll < 0.05) return { connect: next() < 0.5 };
    if (roll < 0.2) return { remove: pick(['MeshService', 'MeshService', 'MeshService', 'Dataplane', 'MeshTimeout', 'MeshHTTPRoute', 'MeshMultiZoneService']) };
    return { put: pick([service, service, dataplane, dataplane, policy, policy, policy, multiZone, mesh])() };
  };
}

/** Every connected proxy's snapshot equals one generated from scratch now. */
function assertFresh(h: Harness, step: number): void {
  const context = meshContextOf(h.cache, 'default');
  for (const nodeId of h.sync.connectedNodes) {
    const result = proxyContextOf(h.cache, nodeId, { client: ENVOY_CLIENT, meshContext: context });
    const stored = h.snapshots.getSnapshot(nodeId);
    if (!result.ok) {
      assert.equal(stored, undefined, `step ${step}: ${nodeId} has no config`);
      continue;
    }
    const fresh = buildSnapshot(generateProxyConfig(result.context).resources);
    if (consistencyErrors(fresh).length > 0) continue;
    assert.deepEqual(stored?.allVersions(), fresh.allVersions(), `step ${step}: ${nodeId} is stale`);
  }
}

describe('ProxySync under random changes', () => {
  it('leaves no connected proxy stale after any of 400 random changes, regenerating fewer than all', async () => {
    const next = seededRandom(42);
    const h = await harness('type: Mesh\nname: default\nmeshServices:\n  mode: Everywhere\n');
    running.push(h);
    const change = changes(next);
    const connected = new Set<string>();
    let partial = 0;
    for (let step = 0; step < 400; step++) {
      const c = change();
      if ('connect' in c) {
        const id = `default.${DATAPLANES[Math.floor(next() * DATAPLANES.length)]}`;
        if (c.connect && !connected.has(id)) h.sync.onConnect(id, { user_agent_name: 'envoy' });
        if (!c.connect && connected.has(id)) h.sync.onDisconnect(id);
        if (c.connect) connected.add(id);
        else connected.delete(id);
      } else if ('remove' in c) {
        const existing = h.cache.list(c.remove, 'default');
        const victim = existing[Math.floor(next() * existing.length)];
        if (victim !== undefined) await h.store.delete(victim);
      } else {
        const r = resourceFromDocument(c.put);
        const current = h.cache.get(r);
        if (current === undefined) await h.store.create(r);
        else await h.store.update({ ...r, version: current.version });
      }
      if (step === 20) {
        for (const id of DATAPLANES.map((dp) => `default.${dp}`)) if (!connected.has(id)) h.sync.onConnect(id, { user_agent_name: 'envoy' });
        for (const dp of DATAPLANES) connected.add(`default.${dp}`);
      }
      h.sync.flush();
      const regenerated = h.regenerated();
      if (regenerated.length > 0 && regenerated.length < h.sync.connectedNodes.length) partial++;
      assertFresh(h, step);
    }
    assert.ok(partial > 50, `many batches regenerated some proxies but not all (${partial})`);
    assert.ok(h.sync.connectedNodes.length > 0);
  });
});
