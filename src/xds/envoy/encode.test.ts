import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyOf, decodeResource, encodeResource, EnvoyEncodeError } from './encode.js';
import { EncodingMemo } from './encoding-memo.js';
import { EMBEDDED_TYPE_URL, TYPE_URL } from './type-urls.js';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

const listener = {
  name: 'backend.svc.mesh.local:8080',
  api_listener: {
    api_listener: {
      '@type': HCM,
      rds: { route_config_name: 'route-backend', config_source: { ads: {} } },
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
    },
  },
};
const route = {
  name: 'route-backend',
  virtual_hosts: [
    {
      name: 'vh',
      domains: ['backend.svc.mesh.local:8080'],
      routes: [{ match: { prefix: '' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: { value: 75 } }, { name: 'b', weight: { value: 25 } }] } } }],
    },
  ],
};
const cluster = {
  name: 'backend',
  type: 'EDS',
  eds_cluster_config: { eds_config: { ads: {} }, service_name: 'backend-eds' },
  connect_timeout: { seconds: 5, nanos: 500 },
  lb_policy: 'RING_HASH',
};
const cla = {
  cluster_name: 'backend-eds',
  endpoints: [
    {
      locality: { zone: 'z1' },
      load_balancing_weight: { value: 1 },
      lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 50061 } } }, health_status: 'HEALTHY' }],
    },
  ],
};

function encodeError(typeUrl: string, resource: Record<string, unknown>): EnvoyEncodeError {
  try {
    encodeResource(typeUrl, resource);
  } catch (err) {
    assert.ok(err instanceof EnvoyEncodeError, `expected EnvoyEncodeError, got ${String(err)}`);
    return err;
  }
  assert.fail('encoding should have failed');
}

describe('encodeResource', () => {
  it('round-trips a Listener, RouteConfiguration, Cluster and ClusterLoadAssignment', () => {
    for (const [typeUrl, resource] of [
      [TYPE_URL.listener, listener],
      [TYPE_URL.routeConfiguration, route],
      [TYPE_URL.cluster, cluster],
      [TYPE_URL.clusterLoadAssignment, cla],
    ] as const) {
      const any = encodeResource(typeUrl, resource);
      assert.equal(any.type_url, typeUrl);
      assert.deepEqual(decodeResource(any), resource);
    }
  });

  it('keeps the empty prefix oneof (gRPC NACKs a route without a path specifier)', () => {
    const decoded = decodeResource(encodeResource(TYPE_URL.routeConfiguration, route)) as typeof route;
    assert.deepEqual(decoded.virtual_hosts[0]?.routes[0]?.match, { prefix: '' });
  });

  it('anyOf writes the same nested Any as the @type form', () => {
    const built = { name: 'l', api_listener: { api_listener: anyOf(EMBEDDED_TYPE_URL.httpConnectionManager, { stat_prefix: 'x' }) } };
    const literal = { name: 'l', api_listener: { api_listener: { '@type': HCM, stat_prefix: 'x' } } };
    assert.deepEqual(encodeResource(TYPE_URL.listener, built).value, encodeResource(TYPE_URL.listener, literal).value);
  });

  it('names the path of a misspelt field', () => {
    const err = encodeError(TYPE_URL.cluster, { name: 'c', type: 'EDS', eds_cluster_config: { eds_confg: { ads: {} } } });
    assert.deepEqual(err.problems, ['eds_cluster_config.eds_confg: unknown field of envoy.config.cluster.v3.Cluster.EdsClusterConfig']);
    assert.match(err.message, /^cannot encode type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster 'c': /);
  });

  it('suggests the proto name for a camelCase field', () => {
    const err = encodeError(TYPE_URL.clusterLoadAssignment, { clusterName: 'c' });
    assert.deepEqual(err.problems, ["clusterName: unknown field of envoy.config.endpoint.v3.ClusterLoadAssignment (did you mean 'cluster_name'?)"]);
  });

  it('names the path of a bad enum value inside a nested Any', () => {
    const bad = { name: 'l', api_listener: { api_listener: { '@type': HCM, codec_type: 'HTTP9', rds: { route_config_nme: 'r' } } } };
    const err = encodeError(TYPE_URL.listener, bad);
    assert.deepEqual(err.problems, [
      "api_listener.api_listener.codec_type: must be one of: AUTO, HTTP1, HTTP2, HTTP3 (envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType); got 'HTTP9'",
      'api_listener.api_listener.rds.route_config_nme: unknown field of envoy.extensions.filters.network.http_connection_manager.v3.Rds',
    ]);
  });

  it('rejects a bad top-level enum and a wrong scalar type, reporting all problems at once', () => {
    const err = encodeError(TYPE_URL.clusterLoadAssignment, {
      cluster_name: 'c',
      endpoints: [{ lb_endpoints: [{ health_status: 'SICK', endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: '8080' } } } }] }],
    });
    assert.deepEqual(err.problems, [
      "endpoints[0].lb_endpoints[0].health_status: must be one of: UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED (envoy.config.core.v3.HealthStatus); got 'SICK'",
      "endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value: must be an unsigned 32-bit integer (uint32); got '8080'",
    ]);
  });

  it('rejects two members of one oneof', () => {
    const err = encodeError(TYPE_URL.routeConfiguration, {
      name: 'r',
      virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/', path: '/x' }, route: { cluster: 'c' } }] }],
    });
    assert.deepEqual(err.problems, ['virtual_hosts[0].routes[0].match: only one of prefix, path may be set (oneof path_specifier)']);
  });

  it('rejects an Any without @type and one naming an unknown type', () => {
    const err = encodeError(TYPE_URL.listener, {
      name: 'l',
      filter_chains: [{ filters: [{ name: 'a', typed_config: { stat_prefix: 'x' } }, { name: 'b', typed_config: { '@type': 'type.googleapis.com/no.such.Type' } }] }],
    });
    assert.deepEqual(err.problems, [
      "filter_chains[0].filters[0].typed_config.@type: an Any must name its type URL in '@type'",
      "filter_chains[0].filters[1].typed_config.@type: unknown type URL 'type.googleapis.com/no.such.Type' (not among the loaded protos)",
    ]);
  });

  it('rejects a list where a message is expected and an unknown type URL', () => {
    assert.deepEqual(encodeError(TYPE_URL.cluster, { name: 'c', eds_cluster_config: [] }).problems, ['eds_cluster_config: must be an object (envoy.config.cluster.v3.Cluster.EdsClusterConfig); got a list']);
    assert.deepEqual(encodeError('type.googleapis.com/envoy.config.Nope', { name: 'x' }).problems, ['unknown type URL (not among the loaded protos)']);
  });
});

describe('EncodingMemo', () => {
  it('encodes an object once, and a different object with the same content key once', () => {
    const memo = new EncodingMemo();
    const first = memo.encode(TYPE_URL.cluster, cluster);
    assert.equal(memo.encode(TYPE_URL.cluster, cluster), first);
    const a = memo.encode(TYPE_URL.clusterLoadAssignment, { ...cla }, 'backend@v1');
    const b = memo.encode(TYPE_URL.clusterLoadAssignment, { ...cla }, 'backend@v1');
    assert.equal(a, b);
    assert.deepEqual(memo.stats, { hits: 2, misses: 2, keyed: 1 });
  });

  it('gives equal content the same hash regardless of map key order, and different content a different hash', () => {
    const memo = new EncodingMemo();
    const metadata = (fields: Record<string, unknown>): Record<string, unknown> => ({ name: 'c', metadata: { filter_metadata: { x: { fields } } } });
    const one = memo.encode(TYPE_URL.cluster, metadata({ a: { stringValue: '1' }, b: { stringValue: '2' } }));
    const two = memo.encode(TYPE_URL.cluster, metadata({ b: { stringValue: '2' }, a: { stringValue: '1' } }));
    const three = memo.encode(TYPE_URL.cluster, metadata({ a: { stringValue: '1' }, b: { stringValue: '3' } }));
    assert.equal(one.hash, two.hash);
    assert.notEqual(one.hash, three.hash);
  });

  it('drops the least recently used content key beyond its bound', () => {
    const memo = new EncodingMemo(2);
    for (const key of ['k1', 'k2', 'k1', 'k3']) memo.encode(TYPE_URL.cluster, { name: key }, key);
    memo.encode(TYPE_URL.cluster, { name: 'k1' }, 'k1');
    memo.encode(TYPE_URL.cluster, { name: 'k2' }, 'k2');
    assert.deepEqual(memo.stats, { hits: 2, misses: 4, keyed: 2 });
  });
});
