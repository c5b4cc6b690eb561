import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EnvoyObject } from '../envoy/encode.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { ENVOY_CLIENT, PROXYLESS_CLIENT, proxyContextOf, type ProxyClient } from '../proxy-context.js';
import { resourcesFromYaml, StaticView } from './input-fixtures.js';
import { generateProxyConfig, type ProxyConfig } from './profile.js';

const HEAD = `type: Mesh
name: default
meshServices:
  mode: Exclusive
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
`;

function backendService(port: string): string {
  return `---
type: MeshService
mesh: default
name: backend
spec:
  selector:
    dataplaneTags:
      kuma.io/service: backend
  ports:
${port}
status:
  vips:
  - ip: 241.0.0.1
`;
}

const PORT_80_TO_8080 = '  - port: 80\n    targetPort: 8080\n    appProtocol: http';

function dataplane(name: string, networking: string, labels = ''): string {
  return `---\ntype: Dataplane\nmesh: default\nname: ${name}\n${labels}networking:\n${networking}\n`;
}

function inbound(port: number, extra = '', service = 'backend'): string {
  return `  - port: ${port}\n    tags:\n      kuma.io/service: ${service}\n${extra}`;
}

function configOf(yaml: string, client: ProxyClient = ENVOY_CLIENT): ProxyConfig {
  const result = proxyContextOf(new StaticView(resourcesFromYaml(yaml)), 'default.web-1', { client });
  if (!result.ok) throw new Error(result.reason);
  return generateProxyConfig(result.context);
}

function assignment(config: ProxyConfig, name: string): EnvoyObject {
  const found = config.resources.find((r) => r.typeUrl === TYPE_URL.clusterLoadAssignment && r.resource.cluster_name === name);
  assert.ok(found, `no ClusterLoadAssignment '${name}'`);
  return found.resource;
}

/** `address:port@zone` of every endpoint of an assignment. */
function addresses(cla: EnvoyObject): string[] {
  const localities = cla.endpoints as { locality: { zone?: string }; lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[];
  return localities.flatMap((l) =>
    l.lb_endpoints.map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}@${l.locality.zone ?? ''}`),
  );
}

const CLUSTER = 'default_backend__zone-1_msvc_80';

describe('MeshService endpoints', () => {
  it('only healthy inbounds: state NotReady and health.ready false are left out', () => {
    const yaml =
      HEAD +
      backendService(PORT_80_TO_8080) +
      dataplane('backend-1', `  address: 10.0.0.11\n  inbound:\n${inbound(8080)}`) +
      dataplane('backend-2', `  address: 10.0.0.12\n  inbound:\n${inbound(8080, '    state: NotReady\n')}`) +
      dataplane('backend-3', `  address: 10.0.0.13\n  inbound:\n${inbound(8080, '    health:\n      ready: false\n')}`) +
      dataplane('backend-4', `  address: 10.0.0.14\n  inbound:\n${inbound(8080, '    health:\n      ready: true\n')}`);
    assert.deepEqual(addresses(assignment(configOf(yaml), CLUSTER)), ['10.0.0.11:8080@zone-1', '10.0.0.14:8080@zone-1']);
  });

  it('the endpoint port is the inbound port (not servicePort); address: inbound, else advertised, else networking', () => {
    const yaml =
      HEAD +
      backendService(PORT_80_TO_8080) +
      dataplane('backend-1', `  address: 10.0.0.11\n  inbound:\n${inbound(8080, '    address: 10.0.1.11\n    servicePort: 18080\n')}`) +
      dataplane('backend-2', `  address: 10.0.0.12\n  advertisedAddress: 192.0.2.12\n  inbound:\n${inbound(8080)}`);
    assert.deepEqual(addresses(assignment(configOf(yaml), CLUSTER)), ['10.0.1.11:8080@zone-1', '192.0.2.12:8080@zone-1']);
  });

  it('a port whose targetPort matches nothing still has an assignment, with no endpoints', () => {
    const yaml = HEAD + backendService(PORT_80_TO_8080) + dataplane('backend-1', `  address: 10.0.0.11\n  inbound:\n${inbound(9999)}`);
    const cla = assignment(configOf(yaml), CLUSTER);
    assert.deepEqual(cla, { cluster_name: CLUSTER, endpoints: [] });
  });

  it('a port without targetPort pairs with nothing (Kuma reads it as 0)', () => {
    const yaml = HEAD + backendService('  - port: 80\n    appProtocol: http') + dataplane('backend-1', `  address: 10.0.0.11\n  inbound:\n${inbound(80)}`);
    assert.deepEqual(addresses(assignment(configOf(yaml), CLUSTER)), []);
  });

  it('dataplaneTags selects a Dataplane whose OTHER inbound carries the tag, then pairs by targetPort', () => {
    const yaml =
      HEAD +
      backendService(PORT_80_TO_8080) +
      dataplane('multi', `  address: 10.0.0.15\n  inbound:\n${inbound(7000)}${inbound(8080, '', 'metrics')}`);
    assert.deepEqual(addresses(assignment(configOf(yaml), CLUSTER)), ['10.0.0.15:8080@zone-1']);
  });

  it('every locality has a locality and a load_balancing_weight (gRPC drops a locality without weight)', () => {
    const yaml =
      HEAD +
      backendService(PORT_80_TO_8080) +
      dataplane('backend-1', `  address: 10.0.0.11\n  inbound:\n${inbound(8080)}`) +
      dataplane('backend-2', `  address: 10.0.0.12\n  inbound:\n${inbound(8080, '', 'backend\n      kuma.io/zone: zone-1')}`);
    const cla = assignment(configOf(yaml), CLUSTER);
    assert.deepEqual(cla.endpoints, [
      {
        locality: { zone: 'zone-1' },
        load_balancing_weight: { value: 2 },
        lb_endpoints: [
          { endpoint: { address: { socket_address: { address: '10.0.0.11', port_value: 8080 } } }, load_balancing_weight: { value: 1 } },
          { endpoint: { address: { socket_address: { address: '10.0.0.12', port_value: 8080 } } }, load_balancing_weight: { value: 1 } },
        ],
      },
    ]);
  });

  it('a Dataplane whose address is a DNS name is left out, with a note, for proxyless and sidecar clients alike', () => {
    const yaml = HEAD + backendService(PORT_80_TO_8080) + dataplane('backend-1', `  address: backend-1.internal\n  inbound:\n${inbound(8080)}`);
    for (const client of [PROXYLESS_CLIENT, ENVOY_CLIENT]) {
      const config = configOf(yaml, client);
      assert.deepEqual(addresses(assignment(config, CLUSTER)), []);
      assert.deepEqual(config.notes, [
        { subject: "MeshService 'backend' port 80: Dataplane 'backend-1'", reason: "address 'backend-1.internal' is not an IP literal; xDS endpoints must be IPs, so it is left out" },
      ]);
    }
  });
});

describe('MeshMultiZoneService endpoints', () => {
  it('(synced from global) are the endpoints of the same port number of every MeshService in its status', () => {
    const yaml =
      HEAD +
      backendService(PORT_80_TO_8080) +
      dataplane('backend-1', `  address: 10.0.0.11\n  inbound:\n${inbound(8080)}`) +
      `---
type: MeshMultiZoneService
mesh: default
name: backend-mz
labels:
  kuma.io/origin: global
  kuma.io/display-name: backend-mz
spec:
  selector:
    meshService:
      matchLabels:
        kuma.io/display-name: backend
  ports:
  - port: 80
    appProtocol: http
status:
  vips:
  - ip: 243.0.0.1
  meshServices:
  - name: backend
    namespace: ""
    zone: zone-1
    mesh: default
`;
    const config = configOf(yaml);
    assert.deepEqual(addresses(assignment(config, 'default_backend-mz___mzsvc_80')), ['10.0.0.11:8080@zone-1']);
    assert.ok(config.resources.some((r) => r.typeUrl === TYPE_URL.listener && r.resource.name === 'outbound:243.0.0.1:80'));
  });
});
