import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourcesFromYaml, StaticView } from './generators/input-fixtures.js';
import { clientOfNode, ENVOY_CLIENT, parseNodeId, proxyContextOf } from './proxy-context.js';

describe('node ids', () => {
  it('the mesh is everything before the first dot; the Dataplane name may hold dots', () => {
    assert.deepEqual(parseNodeId('default.web-1'), { mesh: 'default', dataplane: 'web-1' });
    assert.deepEqual(parseNodeId('default.web-1.kuma-demo'), { mesh: 'default', dataplane: 'web-1.kuma-demo' });
    for (const bad of ['default', '.web-1', 'default.', '']) assert.equal(parseNodeId(bad), undefined, bad);
  });
});

describe('client kind from the xDS Node', () => {
  it('gRPC user agents are proxyless, Envoy is not', () => {
    assert.equal(clientOfNode({ id: 'a.b', user_agent_name: 'gRPC Node Pure JS' }).proxyless, true);
    assert.equal(clientOfNode({ id: 'a.b', user_agent_name: 'gRPC Go' }).proxyless, true);
    assert.equal(clientOfNode({ id: 'a.b', user_agent_name: 'envoy' }).proxyless, false);
    assert.equal(clientOfNode(undefined).proxyless, false);
  });

  it('node metadata meshplane.io/proxyless marks a client proxyless, in plain or Struct form', () => {
    assert.equal(clientOfNode({ metadata: { 'meshplane.io/proxyless': 'true' } }).proxyless, true);
    assert.equal(clientOfNode({ metadata: { fields: { 'meshplane.io/proxyless': { string_value: 'true' } } } }).proxyless, true);
    assert.equal(clientOfNode({ metadata: { fields: { 'meshplane.io/proxyless': { bool_value: true } } } }).proxyless, true);
    assert.equal(clientOfNode({ metadata: { fields: { 'meshplane.io/proxyless': { string_value: 'false' } } } }).proxyless, false);
  });
});

describe('proxyContextOf', () => {
  const view = new StaticView(
    resourcesFromYaml(`type: Mesh
name: default
meshServices:
  mode: ReachableBackends
---
type: Dataplane
mesh: default
name: web-1
networking:
  address: 10.0.0.10
  inbound:
  - port: 9090
    tags:
      kuma.io/service: web
---
type: LegacyVip
mesh: default
name: web
spec:
  service: web
  vip: 240.0.0.2
---
type: LegacyVip
mesh: default
name: gone
spec:
  service: gone
  vip: 240.0.0.3
  releasedAt: '2026-01-01T00:00:00Z'
  heldUntil: '2026-01-01T01:00:00Z'
`),
  );

  it('derives the Dataplane, the mode and the legacy VIPs in use (not a held one)', () => {
    const result = proxyContextOf(view, 'default.web-1', { client: ENVOY_CLIENT });
    assert.ok(result.ok);
    assert.equal(result.context.dataplane.name, 'web-1');
    assert.equal(result.context.meshContext.mode, 'ReachableBackends');
    assert.deepEqual([...result.context.meshContext.legacyVips], [['web', '240.0.0.2']]);
  });

  it('says why there is no context', () => {
    const reason = (id: string): string => {
      const r = proxyContextOf(view, id, { client: ENVOY_CLIENT });
      return r.ok ? 'ok' : r.reason;
    };
    assert.equal(reason('nomesh'), "node id 'nomesh' is not of the form <mesh>.<dataplane>");
    assert.equal(reason('other.web-1'), "mesh 'other' of node 'other.web-1' does not exist");
    assert.equal(reason('default.web-9'), "Dataplane 'web-9' in mesh 'default' (node 'default.web-9') does not exist");
  });
});
