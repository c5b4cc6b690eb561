import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiListener, baselineResources, edsCluster, loadAssignment, routeConfiguration } from '../../test/support/xds-clients/baseline-resources.js';
import { EncodingMemo } from './envoy/encoding-memo.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { resourcesFromYaml, StaticView } from './generators/input-fixtures.js';
import { generateProxyConfig } from './generators/profile.js';
import { ENVOY_CLIENT, meshContextOf, proxyContextOf } from './proxy-context.js';
import { buildSnapshot, consistencyErrors, type ResourceInput, type XdsSnapshot } from './snapshot.js';

const A = { address: '127.0.0.1', port: 50061 };
const B = { address: '127.0.0.1', port: 50062 };
const baseline = (): ResourceInput[] => baselineResources('backend:8080', 'backend', [A, B]);

describe('XdsSnapshot versions', () => {
  it('does not depend on the order resources were given in', () => {
    const forward = buildSnapshot(baseline(), new EncodingMemo());
    const backward = buildSnapshot(baseline().reverse(), new EncodingMemo());
    assert.deepEqual(forward.allVersions(), backward.allVersions());
    assert.deepEqual([...forward.resources(TYPE_URL.cluster).keys()], ['backend']);
    assert.deepEqual([...forward.resources(TYPE_URL.clusterLoadAssignment).keys()], ['backend']);
  });

  it('changes only the version of the type whose content changed', () => {
    const before = buildSnapshot(baseline());
    const changed = baselineResources('backend:8080', 'backend', [A]);
    const after = buildSnapshot(changed);
    assert.notEqual(after.version(TYPE_URL.clusterLoadAssignment), before.version(TYPE_URL.clusterLoadAssignment));
    for (const typeUrl of [TYPE_URL.listener, TYPE_URL.routeConfiguration, TYPE_URL.cluster, TYPE_URL.secret]) {
      assert.equal(after.version(typeUrl), before.version(typeUrl), typeUrl);
    }
  });

  it('gives a resource name a different version when only its name moves to other content', () => {
    const one = buildSnapshot([{ typeUrl: TYPE_URL.cluster, resource: edsCluster('a') }, { typeUrl: TYPE_URL.cluster, resource: { name: 'b' } }]);
    const two = buildSnapshot([{ typeUrl: TYPE_URL.cluster, resource: { name: 'a' } }, { typeUrl: TYPE_URL.cluster, resource: { ...edsCluster('b') } }]);
    assert.notEqual(one.version(TYPE_URL.cluster), two.version(TYPE_URL.cluster));
  });

  it('encodes a resource object shared by two snapshots once', () => {
    const memo = new EncodingMemo();
    const shared = loadAssignment('backend', [A, B]);
    buildSnapshot([{ typeUrl: TYPE_URL.clusterLoadAssignment, resource: shared }], memo);
    buildSnapshot([{ typeUrl: TYPE_URL.clusterLoadAssignment, resource: shared }], memo);
    buildSnapshot([{ typeUrl: TYPE_URL.clusterLoadAssignment, resource: { ...shared }, contentKey: 'backend/1' }], memo);
    buildSnapshot([{ typeUrl: TYPE_URL.clusterLoadAssignment, resource: { ...shared }, contentKey: 'backend/1' }], memo);
    assert.deepEqual(memo.stats, { hits: 2, misses: 2, keyed: 1 });
  });
});

describe('snapshots of proxies generated in different MeshContexts', () => {
  const service = (name: string, port: number): string =>
    `---\ntype: MeshService\nmesh: default\nname: ${name}\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: ${name}\n  ports:\n  - port: ${port}\n    targetPort: ${port}\n    appProtocol: http\nstatus:\n  vips:\n  - ip: 241.0.0.${port % 100}\n`;
  const dataplane = (name: string, service: string, address: string, port: number): string =>
    `---\ntype: Dataplane\nmesh: default\nname: ${name}\nnetworking:\n  address: ${address}\n  inbound:\n  - port: ${port}\n    tags:\n      kuma.io/service: ${service}\n`;
  const MESH = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n' + service('backend', 8080) + service('redis', 6379);
  const CLIENTS = dataplane('web-1', 'web', '10.0.0.10', 9090) + dataplane('web-2', 'web', '10.0.0.20', 9090);

  /** The clusters and CLAs of the proxy's destinations (not its inbound's), snapshotted; a MeshContext of its own. */
  function clustersOf(yaml: string, proxy: string, memo: EncodingMemo): XdsSnapshot {
    const view = new StaticView(resourcesFromYaml(yaml));
    const result = proxyContextOf(view, `default.${proxy}`, { client: ENVOY_CLIENT, meshContext: meshContextOf(view, 'default') });
    assert.ok(result.ok);
    const config = generateProxyConfig(result.context);
    const destinationPort = (r: ResourceInput): boolean => String(r.resource.name ?? r.resource.cluster_name).endsWith('_msvc_8080') || String(r.resource.name ?? r.resource.cluster_name).endsWith('_msvc_6379');
    return buildSnapshot(config.resources.filter((r) => (r.typeUrl === TYPE_URL.cluster || r.typeUrl === TYPE_URL.clusterLoadAssignment) && destinationPort(r)), memo);
  }
  const entry = (s: XdsSnapshot, typeUrl: string, name: string): object | undefined => s.resources(typeUrl).get(name)?.resource;

  it('encode equal clusters and endpoints once and hold one object for them; what changed is encoded anew', () => {
    const memo = new EncodingMemo();
    const backends = dataplane('backend-1', 'backend', '10.0.0.1', 8080) + dataplane('redis-1', 'redis', '10.0.0.2', 6379);
    const one = clustersOf(MESH + CLIENTS + backends, 'web-1', memo);
    assert.deepEqual(memo.stats, { hits: 0, misses: 4, keyed: 4 });
    const two = clustersOf(MESH + CLIENTS + backends, 'web-2', memo);
    assert.deepEqual(memo.stats, { hits: 4, misses: 4, keyed: 4 });
    for (const typeUrl of [TYPE_URL.cluster, TYPE_URL.clusterLoadAssignment]) {
      assert.deepEqual([...two.resources(typeUrl).keys()], ['default_backend__zone-1_msvc_8080', 'default_redis__zone-1_msvc_6379']);
      for (const name of two.resources(typeUrl).keys()) assert.equal(entry(two, typeUrl, name), entry(one, typeUrl, name), name);
    }
    // A second backend endpoint: only backend's CLA is new.
    const three = clustersOf(MESH + CLIENTS + backends + dataplane('backend-2', 'backend', '10.0.0.3', 8080), 'web-1', memo);
    assert.deepEqual(memo.stats, { hits: 7, misses: 5, keyed: 5 });
    assert.notEqual(entry(three, TYPE_URL.clusterLoadAssignment, 'default_backend__zone-1_msvc_8080'), entry(one, TYPE_URL.clusterLoadAssignment, 'default_backend__zone-1_msvc_8080'));
    assert.equal(entry(three, TYPE_URL.clusterLoadAssignment, 'default_redis__zone-1_msvc_6379'), entry(one, TYPE_URL.clusterLoadAssignment, 'default_redis__zone-1_msvc_6379'));
    assert.equal(entry(three, TYPE_URL.cluster, 'default_backend__zone-1_msvc_8080'), entry(one, TYPE_URL.cluster, 'default_backend__zone-1_msvc_8080'));
  });
});

describe('consistencyErrors', () => {
  it('accepts the baseline', () => {
    assert.deepEqual(consistencyErrors(buildSnapshot(baseline())), []);
  });

  it('reports a listener whose route configuration is missing and an EDS cluster without endpoints', () => {
    const snapshot = buildSnapshot([
      { typeUrl: TYPE_URL.listener, resource: apiListener('web:80', 'route-web') },
      { typeUrl: TYPE_URL.cluster, resource: edsCluster('web') },
      { typeUrl: TYPE_URL.cluster, resource: { name: 'static', type: 'STATIC' } },
    ]);
    assert.deepEqual(consistencyErrors(snapshot), [
      "listener 'web:80' refers to route configuration 'route-web', which is not in the snapshot",
      "cluster 'web' needs ClusterLoadAssignment 'web', which is not in the snapshot",
    ]);
  });

  it('looks endpoints up by the EDS service_name when there is one', () => {
    const cluster = { name: 'web', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} }, service_name: 'web-eds' } };
    const wrong = buildSnapshot([{ typeUrl: TYPE_URL.cluster, resource: cluster }, { typeUrl: TYPE_URL.clusterLoadAssignment, resource: loadAssignment('web', [A]) }]);
    assert.deepEqual(consistencyErrors(wrong), ["cluster 'web' needs ClusterLoadAssignment 'web-eds', which is not in the snapshot"]);
    const right = buildSnapshot([{ typeUrl: TYPE_URL.cluster, resource: cluster }, { typeUrl: TYPE_URL.clusterLoadAssignment, resource: loadAssignment('web-eds', [A]) }]);
    assert.deepEqual(consistencyErrors(right), []);
  });

  it('finds route names in network filter chains too', () => {
    const hcm = { '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', rds: { route_config_name: 'r1', config_source: { ads: {} } } };
    const listener = { name: 'outbound:241.0.0.1:80', filter_chains: [{ filters: [{ name: 'hcm', typed_config: hcm }] }] };
    const snapshot = buildSnapshot([{ typeUrl: TYPE_URL.listener, resource: listener }, { typeUrl: TYPE_URL.routeConfiguration, resource: routeConfiguration('r2', '*', 'c') }]);
    assert.deepEqual(consistencyErrors(snapshot), ["listener 'outbound:241.0.0.1:80' refers to route configuration 'r1', which is not in the snapshot"]);
  });

  it('reports duplicate and missing names', () => {
    const snapshot = buildSnapshot([
      { typeUrl: TYPE_URL.cluster, resource: { name: 'c' } },
      { typeUrl: TYPE_URL.cluster, resource: { name: 'c', type: 'STATIC' } },
      { typeUrl: TYPE_URL.clusterLoadAssignment, resource: { endpoints: [] } },
    ]);
    assert.deepEqual(consistencyErrors(snapshot), ["duplicate CDS resource name 'c'", 'a EDS resource has no name']);
  });
});
