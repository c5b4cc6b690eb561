import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sourcePath } from '../../../test/support/golden.js';
import type { Resource } from '../../core/resource.js';
import { EncodingMemo } from '../envoy/encoding-memo.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { ENVOY_CLIENT, meshContextOf, proxyContextOf, type ProxyContext } from '../proxy-context.js';
import { buildSnapshot } from '../snapshot.js';
import { inboundResources } from './inbound.js';
import { resourcesFromYaml, StaticView } from './input-fixtures.js';

const input = readFileSync(sourcePath(import.meta.url, 'testdata', 'mode-exclusive', 'resources.input.yaml'), 'utf8');

function contextIn(resources: readonly Resource[], nodeId: string): ProxyContext {
  const view = new StaticView(resources);
  // A new MeshContext each time, as after a change elsewhere in the mesh.
  const result = proxyContextOf(view, nodeId, { client: ENVOY_CLIENT, meshContext: meshContextOf(view, 'default') });
  if (!result.ok) throw new Error(result.reason);
  return result.context;
}

describe('inbound resources', () => {
  const resources = resourcesFromYaml(input);
  const dataplane = resources.find((r) => r.type === 'Dataplane');
  if (dataplane === undefined) throw new Error('the fixture has no Dataplane');
  const nodeId = `default.${dataplane.name}`;

  it('are the same objects for the same Dataplane object, so regenerating after another change encodes none of them', () => {
    const first = inboundResources(contextIn(resources, nodeId));
    assert.ok(first.resources.some((r) => r.typeUrl === TYPE_URL.listener), 'the fixture has an inbound listener');
    const memo = new EncodingMemo();
    buildSnapshot(first.resources, memo);
    const misses = memo.stats.misses;
    const again = inboundResources(contextIn(resources, nodeId));
    assert.equal(again, first);
    buildSnapshot(again.resources, memo);
    assert.equal(memo.stats.misses, misses);
  });

  it('are built anew for a new version of the Dataplane', () => {
    const first = inboundResources(contextIn(resources, nodeId));
    const changed = { ...dataplane, version: dataplane.version + 1, spec: structuredClone(dataplane.spec) } as Resource;
    const next = inboundResources(contextIn([...resources.filter((r) => r !== dataplane), changed], nodeId));
    assert.notEqual(next, first);
    assert.deepEqual(next.resources, first.resources, 'equal content for an equal spec');
  });
});
