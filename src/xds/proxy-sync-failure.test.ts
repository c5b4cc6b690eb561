/**
 * A proxy whose config cannot be encoded keeps its last snapshot, and the rest of its batch still
 * gets the change: one bad input must not stall or crash the others. The bad input is a MeshTimeout
 * stored without admission (as a store written by an older version could hold it), with a duration
 * too long for an Envoy Duration.
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

const CLA = 'default_backend__zone-1_msvc_8080';

function endpointsOf(h: Harness, nodeId: string): string {
  return JSON.stringify(h.snapshots.getSnapshot(nodeId)?.resources(TYPE_URL.clusterLoadAssignment).get(CLA)?.resource);
}

describe('ProxySync when one proxy cannot be generated', () => {
  it('keeps that proxy`s last snapshot and still updates the others of the batch', async () => {
    const yaml = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n' + meshServiceYaml('backend', '241.0.0.1');
    const h = await harness(yaml + dataplaneYaml('backend-1', '10.0.0.1', 'backend') + dataplaneYaml('a', '10.0.0.2', 'a') + dataplaneYaml('b', '10.0.0.3', 'b'));
    running.push(h);
    connect(h, 'default.a', 'default.b');
    const [timeout] = resourcesFromYaml('type: MeshTimeout\nmesh: default\nname: huge\nspec:\n  targetRef:\n    kind: Dataplane\n    name: a\n  to:\n  - targetRef:\n      kind: Mesh\n    default:\n      connectionTimeout: 10s\n');
    if (timeout === undefined) throw new Error('no fixture');
    const spec = { ...(timeout.spec as Record<string, unknown>), to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '3000000000000h' } }] };
    await h.store.create({ ...timeout, spec });
    h.sync.flush();
    assert.match(endpointsOf(h, 'default.a'), /10\.0\.0\.1/);
    const backend = h.cache.get({ type: 'Dataplane', mesh: 'default', name: 'backend-1' }) as Resource<{ networking: Record<string, unknown> }>;
    await h.store.update({ ...backend, spec: { ...backend.spec, networking: { ...backend.spec.networking, address: '10.0.0.9' } } });
    assert.doesNotThrow(() => h.sync.flush());
    assert.match(endpointsOf(h, 'default.b'), /10\.0\.0\.9/, 'b got the new endpoint');
    assert.match(endpointsOf(h, 'default.a'), /10\.0\.0\.1/, 'a kept its last config');
  });
});
