import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envoyBootstrapProblems, validateGrpcBootstrap } from '../../test/support/xds-clients/bootstrap-validation.js';
import { envoyBootstrap, formatXdsEndpoint, grpcBootstrap, isUnspecifiedHost, parseXdsEndpoint } from './bootstrap-config.js';

const WEB_1 = {
  mesh: 'default',
  name: 'web-1',
  spec: { networking: { address: '127.0.0.1', inbound: [{ port: 9000, tags: { 'kuma.io/service': 'web' } }] } },
};
const XDS = { host: '127.0.0.1', port: 5678 };

describe('Envoy bootstrap', () => {
  it('points LDS and CDS over ADS at an HTTP/2 static cluster with the xDS address, node id <mesh>.<name>', () => {
    const doc = envoyBootstrap(WEB_1, XDS);
    assert.deepEqual(doc, {
      node: { id: 'default.web-1', cluster: 'web' },
      admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } },
      dynamic_resources: {
        ads_config: { api_type: 'GRPC', transport_api_version: 'V3', set_node_on_first_message_only: true, grpc_services: [{ envoy_grpc: { cluster_name: 'ads_cluster' } }] },
        lds_config: { ads: {}, resource_api_version: 'V3' },
        cds_config: { ads: {}, resource_api_version: 'V3' },
      },
      static_resources: {
        clusters: [
          {
            name: 'ads_cluster',
            type: 'STATIC',
            typed_extension_protocol_options: {
              'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
                '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
                explicit_http_config: { http2_protocol_options: {} },
              },
            },
            load_assignment: { cluster_name: 'ads_cluster', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 5678 } } } }] }] },
          },
        ],
      },
    });
    assert.deepEqual(envoyBootstrapProblems(doc), []);
  });

  it('resolves a host name with STRICT_DNS and leaves node.cluster out when no inbound names a service', () => {
    const doc = envoyBootstrap({ mesh: 'demo', name: 'gw.1', spec: { networking: { address: '10.0.0.1' } } }, { host: 'cp.internal', port: 443 });
    assert.deepEqual(doc.node, { id: 'demo.gw.1' });
    const clusters = (doc.static_resources as { clusters: { type: string }[] }).clusters;
    assert.equal(clusters[0]?.type, 'STRICT_DNS');
    assert.deepEqual(envoyBootstrapProblems(doc), []);
  });

  it('the strict check refuses a misspelt field and a Duration written as a JSON string', () => {
    const doc = envoyBootstrap(WEB_1, XDS);
    const broken = { ...doc, dynamic_resources: { ...(doc.dynamic_resources as object), ads_config: { api_typ: 'GRPC' } }, stats_flush_interval: '5s' };
    assert.deepEqual(envoyBootstrapProblems(broken), [
      'dynamic_resources.ads_config.api_typ: unknown field of envoy.config.core.v3.ApiConfigSource',
      "stats_flush_interval: must be an object (google.protobuf.Duration); got '5s'",
    ]);
  });
});

describe('gRPC xDS bootstrap', () => {
  it('names one insecure xDS server and node <mesh>.<name> with an empty locality, and grpc-js-xds accepts it', () => {
    const doc = grpcBootstrap(WEB_1, XDS);
    assert.deepEqual(doc, {
      xds_servers: [{ server_uri: '127.0.0.1:5678', channel_creds: [{ type: 'insecure' }], server_features: [] }],
      node: { id: 'default.web-1', cluster: 'web', locality: {}, metadata: { 'meshplane.io/proxyless': 'true' } },
    });
    const info = validateGrpcBootstrap(doc);
    assert.equal(info.node.id, 'default.web-1');
    assert.deepEqual(info.xdsServers.map((s) => s.server_uri), ['127.0.0.1:5678']);
  });

  it('brackets an IPv6 server address', () => {
    const doc = grpcBootstrap(WEB_1, { host: '::1', port: 5678 });
    assert.equal(validateGrpcBootstrap(doc).xdsServers[0]?.server_uri, '[::1]:5678');
  });

  it('grpc-js-xds refuses a node without locality (the check can fail)', () => {
    const doc = grpcBootstrap(WEB_1, XDS);
    const node = { ...(doc.node as Record<string, unknown>) };
    delete node.locality;
    assert.throws(() => validateGrpcBootstrap({ ...doc, node }), /locality/);
  });
});

describe('xDS address', () => {
  it('parses HOST:PORT and [IPv6]:PORT and formats them back', () => {
    assert.deepEqual(parseXdsEndpoint('127.0.0.1:5678'), { host: '127.0.0.1', port: 5678 });
    assert.deepEqual(parseXdsEndpoint('cp.mesh.local:443'), { host: 'cp.mesh.local', port: 443 });
    assert.deepEqual(parseXdsEndpoint('[::1]:5678'), { host: '::1', port: 5678 });
    assert.equal(formatXdsEndpoint({ host: '::1', port: 5678 }), '[::1]:5678');
    assert.equal(formatXdsEndpoint({ host: 'cp', port: 1 }), 'cp:1');
  });

  it('says what is wrong with a bad address', () => {
    const shape = 'must be HOST:PORT (IPv6 as [ADDRESS]:PORT); got';
    assert.equal(parseXdsEndpoint('cp'), `${shape} "cp"`);
    assert.equal(parseXdsEndpoint('::1:5678'), `${shape} "::1:5678"`);
    assert.equal(parseXdsEndpoint(':5678'), `${shape} ":5678"`);
    assert.equal(parseXdsEndpoint('cp:http'), `${shape} "cp:http"`);
    assert.equal(parseXdsEndpoint('[cp]:5678'), '"cp" in brackets must be an IPv6 address');
    assert.equal(parseXdsEndpoint('cp:0'), 'port must be 1-65535; got "cp:0"');
    assert.equal(parseXdsEndpoint('cp:70000'), 'port must be 1-65535; got "cp:70000"');
  });

  it('knows the addresses nobody can dial', () => {
    assert.deepEqual(['0.0.0.0', '::', '', '127.0.0.1', '::1'].map(isUnspecifiedHost), [true, true, true, false, false]);
  });
});
