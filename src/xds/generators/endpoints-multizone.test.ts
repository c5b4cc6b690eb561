/**
 * Endpoints across zones: MeshServices synced from another zone (their ZoneIngress, or the owning
 * zone's endpoints on a flat network) and MeshMultiZoneServices over local and remote services,
 * with Kuma's locality priorities made dense for gRPC.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../../core/resource.js';
import { FLAT_ENDPOINTS_TYPE } from '../../kds/flat-endpoints.js';
import type { EnvoyObject } from '../envoy/encode.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { PROXYLESS_CLIENT, proxyContextOf } from '../proxy-context.js';
import { densePriorities } from './endpoints.js';
import { clusterLoadAssignment, type EndpointAddress } from './envoy-builders/endpoint.js';
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

const LOCAL_BACKEND = `---
type: MeshService
mesh: default
name: backend
spec:
  selector:
    dataplaneTags:
      kuma.io/service: backend
  ports:
  - port: 80
    targetPort: 8080
    appProtocol: http
status:
  vips:
  - ip: 241.0.0.1
`;

const SYNCED_NAME = 'backend-d8466258x75748d7'; // hashedName('default', 'backend', ['zone-2'])
const REMOTE_CLUSTER = 'default_backend__zone-2_msvc_80';

/** `backend` of zone-2 as zone-1 holds it after the sync: hashed name, origin global. */
const SYNCED_BACKEND = `---
type: MeshService
mesh: default
name: ${SYNCED_NAME}
labels:
  kuma.io/origin: global
  kuma.io/zone: zone-2
  kuma.io/display-name: backend
spec:
  selector:
    dataplaneTags:
      kuma.io/service: backend
  ports:
  - port: 80
    targetPort: 8080
    appProtocol: http
  - port: 81
    targetPort: 8081
    appProtocol: http
  state: Available
status:
  vips:
  - ip: 241.0.0.2
`;

function dataplane(name: string, address: string, port: number, extra = ''): string {
  return `---\ntype: Dataplane\nmesh: default\nname: ${name}\nnetworking:\n  address: ${address}\n  inbound:\n  - port: ${port}\n    tags:\n      kuma.io/service: backend\n${extra}`;
}

function assignment(config: ProxyConfig, name: string): EnvoyObject {
  const found = config.resources.find((r) => r.typeUrl === TYPE_URL.clusterLoadAssignment && r.resource.cluster_name === name);
  assert.ok(found, `no ClusterLoadAssignment '${name}'`);
  return found.resource;
}

/** `address:port@zone` of every endpoint. */
function addresses(cla: EnvoyObject): string[] {
  return prioritised(cla).map((e) => e.slice(0, e.lastIndexOf('/')));
}

/** A ZoneIngress as another zone's sync delivers it here. */
function zoneIngress(name: string, zone: string, networking: string): string {
  return `---\ntype: ZoneIngress\nname: ${name}\nlabels:\n  kuma.io/origin: global\n  kuma.io/zone: ${zone}\nnetworking:\n${networking}\n`;
}

function flatRecord(name: string, zone: string, ports: { port: number; endpoints: { address: string; port: number }[] }[]): Resource {
  const stamp = { creationTime: '2025-01-01T00:00:00Z', modificationTime: '2025-01-01T00:00:00Z', version: 1 };
  return { type: FLAT_ENDPOINTS_TYPE, mesh: 'default', name, labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': zone, 'kuma.io/display-name': 'backend' }, spec: { ports }, ...stamp };
}

function configWith(yaml: string, extra: readonly Resource[]): ProxyConfig {
  const result = proxyContextOf(new StaticView([...resourcesFromYaml(yaml), ...extra]), 'default.web-1', { client: PROXYLESS_CLIENT });
  if (!result.ok) throw new Error(result.reason);
  return generateProxyConfig(result.context);
}

/** `address:port@zone/priority` of every endpoint. */
function prioritised(cla: EnvoyObject): string[] {
  const localities = cla.endpoints as { locality: { zone?: string }; priority?: number; lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[];
  return localities.flatMap((l) =>
    l.lb_endpoints.map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}@${l.locality.zone ?? ''}/${l.priority ?? 0}`),
  );
}

const INGRESSES =
  zoneIngress('zi-2a', 'zone-2', '  address: 10.2.0.1\n  port: 10001\n  advertisedAddress: 203.0.113.10\n  advertisedPort: 10001') +
  // A second instance behind the same load balancer: one endpoint, not two (Kuma dedupes).
  zoneIngress('zi-2b', 'zone-2', '  address: 10.2.0.2\n  port: 10001\n  advertisedAddress: 203.0.113.10\n  advertisedPort: 10001') +
  zoneIngress('zi-2c', 'zone-2', '  address: 10.2.0.3\n  port: 10001\n  advertisedAddress: 203.0.113.11\n  advertisedPort: 10002') +
  // Not reachable from other zones yet (no public address), and a DNS name (xDS needs IPs).
  zoneIngress('zi-2d', 'zone-2', '  address: 10.2.0.4\n  port: 10001') +
  zoneIngress('zi-2e', 'zone-2', '  address: 10.2.0.5\n  port: 10001\n  advertisedAddress: ingress.zone-2.example\n  advertisedPort: 10001') +
  zoneIngress('zi-3', 'zone-3', '  address: 10.3.0.1\n  port: 10001\n  advertisedAddress: 198.51.100.3\n  advertisedPort: 10001');

describe('Endpoints of a MeshService synced from another zone (traffic doc 3.5)', () => {
  it('none when its zone has neither a ZoneIngress with a public IP nor flat-network endpoints, with a note', () => {
    const config = configWith(HEAD + SYNCED_BACKEND + dataplane('backend-1', '10.0.0.11', 8080), []);
    assert.deepEqual(addresses(assignment(config, REMOTE_CLUSTER)), []);
    const reason = "synced from zone 'zone-2', which has no ZoneIngress with an advertised IP address (and sent no flat-network endpoints); no endpoints";
    assert.deepEqual(config.notes, [
      { subject: `MeshService '${SYNCED_NAME}' port 80`, reason },
      { subject: `MeshService '${SYNCED_NAME}' port 81`, reason },
    ]);
  });
  it('are the advertised addresses of that zone\'s ZoneIngresses, deduplicated, on every port', () => {
    const config = configWith(HEAD + SYNCED_BACKEND + INGRESSES, []);
    const expected = ['203.0.113.10:10001@zone-2', '203.0.113.11:10002@zone-2'];
    assert.deepEqual(addresses(assignment(config, REMOTE_CLUSTER)), expected);
    assert.deepEqual(addresses(assignment(config, 'default_backend__zone-2_msvc_81')), expected);
    assert.deepEqual(config.notes, []);
  });

  it('are never the local Dataplanes its selector would match', () => {
    const config = configWith(HEAD + SYNCED_BACKEND + INGRESSES + dataplane('backend-1', '10.0.0.11', 8080), []);
    assert.ok(!addresses(assignment(config, REMOTE_CLUSTER)).includes('10.0.0.11:8080@zone-1'));
  });

  it('on a flat network are the owning zone\'s own endpoints of each port, and the ZoneIngress is not used', () => {
    const record = flatRecord(SYNCED_NAME, 'zone-2', [
      { port: 80, endpoints: [{ address: '10.20.0.2', port: 8080 }, { address: '10.20.0.1', port: 8080 }] },
      { port: 81, endpoints: [{ address: '10.20.0.1', port: 8081 }] },
    ]);
    const config = configWith(HEAD + SYNCED_BACKEND + INGRESSES, [record]);
    assert.deepEqual(addresses(assignment(config, REMOTE_CLUSTER)), ['10.20.0.1:8080@zone-2', '10.20.0.2:8080@zone-2']);
    assert.deepEqual(addresses(assignment(config, 'default_backend__zone-2_msvc_81')), ['10.20.0.1:8081@zone-2']);
  });

  it('a flat-network record with no endpoints for the port means none (no fallback to the ingress)', () => {
    const config = configWith(HEAD + SYNCED_BACKEND + INGRESSES, [flatRecord(SYNCED_NAME, 'zone-2', [{ port: 80, endpoints: [] }])]);
    assert.deepEqual(addresses(assignment(config, REMOTE_CLUSTER)), []);
    assert.deepEqual(addresses(assignment(config, 'default_backend__zone-2_msvc_81')), []);
  });

  it('a flat-network record of another zone under the same name is ignored; so is a non-IP address in one', () => {
    const other = configWith(HEAD + SYNCED_BACKEND + INGRESSES, [flatRecord(SYNCED_NAME, 'zone-3', [{ port: 80, endpoints: [{ address: '10.30.0.1', port: 8080 }] }])]);
    assert.deepEqual(addresses(assignment(other, REMOTE_CLUSTER)), ['203.0.113.10:10001@zone-2', '203.0.113.11:10002@zone-2']);
    const named = configWith(HEAD + SYNCED_BACKEND, [flatRecord(SYNCED_NAME, 'zone-2', [{ port: 80, endpoints: [{ address: 'backend.zone-2', port: 8080 }] }])]);
    assert.deepEqual(addresses(assignment(named, REMOTE_CLUSTER)), []);
    assert.deepEqual(named.notes, [{ subject: `MeshService '${SYNCED_NAME}' port 80`, reason: "flat-network endpoint 'backend.zone-2' from zone 'zone-2' is not an IP literal; left out" }]);
  });
});

const MMZS = `---
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
  - {name: backend, namespace: "", zone: zone-1, mesh: default}
  - {name: backend, namespace: "", zone: zone-2, mesh: default}
`;

describe('MeshMultiZoneService endpoints across zones (traffic doc 3.6)', () => {
  const MZ_CLUSTER = 'default_backend-mz___mzsvc_80';
  const local = (state = '') => dataplane('backend-1', '10.0.0.11', 8080, state);

  it('local endpoints at priority 0, the other zone\'s at priority 1', () => {
    const config = configWith(HEAD + LOCAL_BACKEND + local() + SYNCED_BACKEND + INGRESSES + MMZS, []);
    assert.deepEqual(prioritised(assignment(config, MZ_CLUSTER)), ['10.0.0.11:8080@zone-1/0', '203.0.113.10:10001@zone-2/1', '203.0.113.11:10002@zone-2/1']);
  });

  it('with flat-network endpoints from the other zone', () => {
    const config = configWith(HEAD + LOCAL_BACKEND + local() + SYNCED_BACKEND + MMZS, [
      flatRecord(SYNCED_NAME, 'zone-2', [{ port: 80, endpoints: [{ address: '10.20.0.1', port: 8080 }] }]),
    ]);
    assert.deepEqual(prioritised(assignment(config, MZ_CLUSTER)), ['10.0.0.11:8080@zone-1/0', '10.20.0.1:8080@zone-2/1']);
  });

  it('a synced MeshService that is not Available is left out; a local one counts whatever its state', () => {
    const unavailable = SYNCED_BACKEND.replace('state: Available', 'state: Unavailable');
    const config = configWith(HEAD + LOCAL_BACKEND + local() + unavailable + INGRESSES + MMZS, []);
    assert.deepEqual(prioritised(assignment(config, MZ_CLUSTER)), ['10.0.0.11:8080@zone-1/0']);
  });

  it('with no healthy local endpoint the other zone moves up to priority 0 (gRPC refuses a priority gap)', () => {
    const config = configWith(HEAD + LOCAL_BACKEND + local('    state: NotReady\n') + SYNCED_BACKEND + INGRESSES + MMZS, []);
    const cla = assignment(config, MZ_CLUSTER);
    assert.deepEqual(prioritised(cla), ['203.0.113.10:10001@zone-2/0', '203.0.113.11:10002@zone-2/0']);
    assert.equal((cla.endpoints as Record<string, unknown>[])[0]?.priority, undefined, 'priority 0 is the proto default and is not written');
  });
});

describe('densePriorities and the assignment builder', () => {
  it('renumbers the priorities present to 0, 1, ...', () => {
    const e = (priority?: number): EndpointAddress => ({ address: '10.0.0.1', port: 1, zone: 'z', ...(priority === undefined ? {} : { priority }) });
    assert.deepEqual(densePriorities([e(1), e(3)]).map((x) => x.priority), [0, 1]);
    assert.deepEqual(densePriorities([e(), e(1)]).map((x) => x.priority ?? 0), [0, 1]);
    assert.deepEqual(densePriorities([e(2)]).map((x) => x.priority), [0]);
    assert.deepEqual(densePriorities([]), []);
  });

  it('one locality per (priority, zone), lower priorities first, priority written only when not 0', () => {
    const cla = clusterLoadAssignment('c', [
      { address: '10.0.0.2', port: 2, zone: 'b', priority: 1 },
      { address: '10.0.0.1', port: 1, zone: 'a' },
      { address: '10.0.0.3', port: 3, zone: 'b', priority: 1 },
    ]);
    const ep = (address: string, port: number) => ({ endpoint: { address: { socket_address: { address, port_value: port } } }, load_balancing_weight: { value: 1 } });
    assert.deepEqual(cla, {
      cluster_name: 'c',
      endpoints: [
        { locality: { zone: 'a' }, load_balancing_weight: { value: 1 }, lb_endpoints: [ep('10.0.0.1', 1)] },
        { locality: { zone: 'b' }, load_balancing_weight: { value: 2 }, lb_endpoints: [ep('10.0.0.2', 2), ep('10.0.0.3', 3)], priority: 1 },
      ],
    });
  });
});
