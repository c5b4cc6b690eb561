import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Violation } from '../../core/violations.js';
import { parseDocument } from '../../core/wire.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'east', environment: 'universal' };

/** Runs a YAML body (type/name/mesh added) through parseDocument and admit(), as the REST API does. */
function violationsOf(yamlText: string): Violation[] {
  const parsed = parseDocument({ type: 'Dataplane', name: 'dp-1', mesh: 'default', ...(parse(yamlText) as object) });
  if (!parsed.ok) return parsed.violations;
  try {
    admit(parsed.doc, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const RANGE = 'port must be in the range [1, 65535]';
const v = (field: string, message: string): Violation => ({ field, message });
const MANDATORY = 'mandatory tag "kuma.io/service" is missing';
const PROTOCOLS = 'Allowed values: grpc, http, http2, kafka, tcp';
const KINDS = 'invalid value. Available values are: MeshExternalService,MeshMultiZoneService,MeshService';

describe('Dataplane validation: the cases of Kuma dataplane_validator_test.go', () => {
  const cases: [string, string, Violation[]][] = [
    ['address 0.0.0.0', `
networking:
  address: 0.0.0.0
  inbound: [{port: 8080, tags: {kuma.io/service: backend}}]`, [v('networking.address', 'must not be 0.0.0.0 or ::')]],
    ['address ::', `
networking:
  address: '::'
  inbound: [{port: 8080, tags: {kuma.io/service: backend}}]`, [v('networking.address', 'must not be 0.0.0.0 or ::')]],
    ['missing networking', '{}', [v('networking', 'must be defined')]],
    ['empty networking (2.9: also needs an inbound or a gateway)', 'networking: {}', [
      v('networking', 'has to contain at least one inbound interface or gateway'),
      v('networking.address', "address can't be empty"),
    ]],
    ['empty address', `
networking:
  inbound: [{port: 8080, tags: {kuma.io/service: backend, version: "1"}}]
  outbound: [{port: 3333, tags: {kuma.io/service: redis}}]`, [v('networking.address', "address can't be empty")]],
    ['address neither IP nor domain name', `
networking:
  address: ..>_<..
  inbound: [{port: 8080, tags: {kuma.io/service: backend}}]`, [v('networking.address', 'address has to be valid IP address or domain name')]],
    ['both inbounds and a (delegated) gateway', `
networking:
  address: 192.168.0.1
  inbound: [{port: 8080, servicePort: 7777, tags: {kuma.io/service: backend}}]
  gateway: {tags: {kuma.io/service: kong}}
  outbound: [{port: 3333, tags: {kuma.io/service: redis}}]`, [v('networking.inbound', 'inbound cannot be defined for delegated gateways')]],
    ['builtin gateway with inbounds', `
networking:
  address: 192.168.0.1
  gateway: {type: BUILTIN, tags: {kuma.io/service: kong}}
  inbound: [{port: 3333, tags: {kuma.io/service: kong}}]`, [v('networking.inbound', 'inbound cannot be defined for builtin gateways')]],
    ['builtin gateway with outbounds', `
networking:
  address: 192.168.0.1
  gateway: {type: BUILTIN, tags: {kuma.io/service: kong}}
  outbound: [{port: 3333, tags: {kuma.io/service: kong}}]`, [v('networking.outbound', 'outbound cannot be defined for builtin gateways')]],
    ['builtin gateway with probes (Kuma reports it at networking.probes; the field is top-level probes)', `
networking:
  address: 192.168.0.1
  gateway: {type: 1, tags: {kuma.io/service: kong}}
probes: {port: 0, endpoints: [{inboundPort: 8088, inboundPath: /healthz, path: /8080/healthz}]}`, [
      v('probes', 'probes cannot be defined for builtin gateways'),
    ]],
    ['builtin gateway without a service tag', `
networking:
  address: 192.168.0.1
  gateway: {type: BUILTIN, tags: {foo: bar}}`, [v('networking.gateway.tags', MANDATORY)]],
    ['inbound port missing or out of range', `
networking:
  address: 192.168.0.1
  inbound:
  - tags: {kuma.io/service: backend, version: "1"}
  - port: 65536
    tags: {kuma.io/service: sub-backend}
  outbound: [{port: 3333, tags: {kuma.io/service: redis}}]`, [v('networking.inbound[0].port', RANGE), v('networking.inbound[1].port', RANGE)]],
    ['servicePort out of range', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, servicePort: 65536, tags: {kuma.io/service: backend}}]`, [v('networking.inbound[0].servicePort', RANGE)]],
    ['inbound address not an IP', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, address: invalid-address, tags: {kuma.io/service: backend}}]`, [v('networking.inbound[0].address', 'address has to be valid IP address')]],
    ['inbound without kuma.io/service (2.9: required even when the inbound has no tags)', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {version: v1}}, {port: 1235}]`, [
      v('networking.inbound[0].tags["kuma.io/service"]', 'tag has to exist'),
      v('networking.inbound[1].tags["kuma.io/service"]', 'tag has to exist'),
    ]],
    ['empty tag value', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend, version: ""}}]`, [v('networking.inbound[0].tags["version"]', 'tag value must be non-empty')]],
    ['a null tag value is a type error here (Kuma reads it as empty)', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend, version: null}}]`, [v('networking.inbound[0].tags["version"]', 'must be a string; got null')]],
    ['empty protocol tag', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend, kuma.io/protocol: ""}}]`, [
      v('networking.inbound[0].tags["kuma.io/protocol"]', `tag "kuma.io/protocol" has an invalid value "". ${PROTOCOLS}`),
      v('networking.inbound[0].tags["kuma.io/protocol"]', 'tag value must be non-empty'),
    ]],
    ['unsupported protocol tag', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend, kuma.io/protocol: not-yet-supported-protocol}}]`, [
      v('networking.inbound[0].tags["kuma.io/protocol"]', `tag "kuma.io/protocol" has an invalid value "not-yet-supported-protocol". ${PROTOCOLS}`),
    ]],
    ['gateway without a service tag', `
networking:
  address: 192.168.0.1
  gateway: {tags: {version: v1}}
  outbound: [{port: 3333, tags: {kuma.io/service: redis}}]`, [v('networking.gateway.tags', MANDATORY)]],
    ['gateway with an empty tag value', `
networking:
  address: 192.168.0.1
  gateway: {tags: {kuma.io/service: backend, version: ""}}`, [v('networking.gateway.tags["version"]', 'tag value must be non-empty')]],
    ['gateway with protocol http', `
networking:
  address: 192.168.0.1
  gateway: {tags: {kuma.io/service: backend, kuma.io/protocol: http}}`, [
      v('networking.gateway.tags["kuma.io/protocol"]', 'other values than tcp are not allowed, provided value "http"'),
    ]],
    ['outbound without tags', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333}]`, [v('networking.outbound[0].tags', MANDATORY)]],
    ['outbound tags without kuma.io/service', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333, tags: {version: v1}}]`, [v('networking.outbound[0].tags', MANDATORY)]],
    ['outbound port missing or out of range', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend}}]
  outbound: [{tags: {kuma.io/service: redis}}, {port: 65536, tags: {kuma.io/service: elastic}}]`, [
      v('networking.outbound[0].port', RANGE),
      v('networking.outbound[1].port', RANGE),
    ]],
    ['outbound address not an IP', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333, address: invalid, tags: {kuma.io/service: elastic}}]`, [v('networking.outbound[0].address', 'address has to be valid IP address')]],
    ['tag name with invalid characters', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend, version: v1, inv@lidT/gN%me: value}}]`, [
      v('networking.inbound[0].tags["inv@lidT/gN%me"]', 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores'),
    ]],
    ['tag value with invalid characters', `
networking:
  address: 192.168.0.1
  inbound: [{port: 1234, tags: {kuma.io/service: backend, invalidTagValue: inv@lid+t@g}}]`, [
      v('networking.inbound[0].tags["invalidTagValue"]', 'tag value must consist of alphanumeric characters, dots, dashes and underscores'),
    ]],
    ['serviceAddress not an IP', `
networking:
  address: 192.168.0.1
  inbound: [{port: 10001, serviceAddress: INVALID, tags: {kuma.io/service: backend}}]`, [
      v('networking.inbound[0].serviceAddress', 'serviceAddress has to be valid IP address'),
    ]],
    ['serviceAddress equal to the Dataplane address on the same port', `
networking:
  address: 192.168.0.1
  inbound: [{port: 10001, serviceAddress: 192.168.0.1, tags: {kuma.io/service: backend}}]`, [
      v('networking.inbound[0].serviceAddress', 'serviceAddress and servicePort has to differ from address and port'),
    ]],
    ['serviceAddress equal to the inbound address on the same port', `
networking:
  address: 192.168.0.1
  inbound: [{port: 10001, address: 192.168.0.2, serviceAddress: 192.168.0.2, tags: {kuma.io/service: backend}}]`, [
      v('networking.inbound[0].serviceAddress', 'serviceAddress and servicePort has to differ from address and port'),
    ]],
    ['admin port equal to an inbound on loopback', `
networking:
  address: 192.168.0.1
  admin: {port: 8080}
  inbound: [{port: 8080, servicePort: 7777, address: 127.0.0.1, tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333, address: 127.0.0.1, tags: {kuma.io/service: redis}}]`, [v('networking.admin.port', 'must differ from inbound')]],
    ['admin port equal to an outbound', `
networking:
  address: 192.168.0.1
  admin: {port: 3333}
  inbound: [{port: 8080, servicePort: 7777, address: 127.0.0.1, tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333, address: 127.0.0.1, tags: {kuma.io/service: redis}}]`, [v('networking.admin.port', 'must differ from outbound')]],
    ['empty backendRef', `
networking:
  address: 192.168.0.1
  inbound: [{port: 8080, tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333, backendRef: {}}]`, [
      v('networking.outbound[0].backendRef.kind', KINDS),
      v('networking.outbound[0].backendRef', "either 'name' or 'labels' should be specified"),
      v('networking.outbound[0].backendRef.port', RANGE),
    ]],
    ['backendRef with tags, and without a port', `
networking:
  address: 192.168.0.1
  inbound: [{port: 8080, tags: {kuma.io/service: backend}}]
  outbound:
  - {port: 3333, tags: {kuma.io/service: xyz}, backendRef: {kind: MeshService, name: xyz, port: 8080}}
  - {port: 3334, tags: {service: xyz}, backendRef: {kind: MeshService, name: xyz}}`, [
      v('networking.outbound[0].backendRef', 'both backendRef and tags/service cannot be defined'),
      v('networking.outbound[1].backendRef.port', RANGE),
      v('networking.outbound[1].backendRef', 'both backendRef and tags/service cannot be defined'),
    ]],
    ['reachable backend refs (Kuma reports them under the misspelt "transparentProxing"; we spell it transparentProxying)', `
networking:
  address: 192.168.0.1
  inbound: [{port: 8080, tags: {kuma.io/service: backend}}]
  transparentProxying:
    reachableBackends:
      refs:
      - {kind: Something, name: first, labels: {kuma.io/test: test}}
      - {kind: MeshService, name: second, namespace: not-valid, labels: {kuma.io/test: test}}
      - {kind: MeshService, name: third, labels: {kuma.io/test: test}}
      - {kind: MeshService, name: first$-.kuma}
      - {kind: MeshService}
      - {kind: MeshService, namespace: xyz}`, [
      v('networking.transparentProxying.reachableBackends.refs[0].kind', KINDS),
      v('networking.transparentProxying.reachableBackends.refs[0].labels', 'labels cannot be defined when name is specified'),
      v('networking.transparentProxying.reachableBackends.refs[1].labels', 'labels cannot be defined when name is specified'),
      v('networking.transparentProxying.reachableBackends.refs[2].labels', 'labels cannot be defined when name is specified'),
      v(
        'networking.transparentProxying.reachableBackends.refs[3].name',
        "invalid characters. A lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      ),
      v('networking.transparentProxying.reachableBackends.refs[4].name', 'name or labels are required'),
      v('networking.transparentProxying.reachableBackends.refs[5].name', 'name is required, when namespace is defined'),
    ]],
    ['no inbound and no gateway (2.9 rule; 2.14 allows outbound-only Dataplanes)', `
networking:
  address: 192.168.0.1
  transparentProxying: {redirectPortInbound: 15006, redirectPortOutbound: 15001}`, [
      v('networking', 'has to contain at least one inbound interface or gateway'),
    ]],
  ];
  for (const [title, doc, expected] of cases) it(title, () => assert.deepEqual(violationsOf(doc), expected));
});

describe('Dataplane validation: our additions', () => {
  const cases: [string, string, Violation[]][] = [
    ['two inbounds on one address and port name the first', `
networking:
  address: 10.0.0.1
  inbound:
  - {port: 8080, tags: {kuma.io/service: a}}
  - {port: 8080, address: 10.0.0.2, tags: {kuma.io/service: b}}
  - {port: 8080, address: 10.0.0.1, tags: {kuma.io/service: c}}`, [
      v('networking.inbound[2].port', 'duplicate inbound port 8080: already used by networking.inbound[0]'),
    ]],
    ['two inbounds with one name name the first', `
networking:
  address: 10.0.0.1
  inbound:
  - {port: 8080, name: main, tags: {kuma.io/service: a}}
  - {port: 8081, name: main, tags: {kuma.io/service: a}}
  - {port: 8082, name: main, tags: {kuma.io/service: a}}`, [
      v('networking.inbound[1].name', 'duplicate inbound name "main": already used by networking.inbound[0]'),
      v('networking.inbound[2].name', 'duplicate inbound name "main": already used by networking.inbound[0]'),
    ]],
    ['reachable backend port out of range', `
networking:
  address: 10.0.0.1
  inbound: [{port: 8080, tags: {kuma.io/service: a}}]
  transparentProxying: {reachableBackends: {refs: [{kind: MeshService, name: b, port: 0}]}}`, [
      v('networking.transparentProxying.reachableBackends.refs[0].port', RANGE),
    ]],
    ['invalid advertisedAddress', `
networking:
  address: 10.0.0.1
  advertisedAddress: "!bad"
  inbound: [{port: 8080, tags: {kuma.io/service: a}}]`, [
      v('networking.advertisedAddress', 'advertisedAddress has to be valid IP address or domain name'),
    ]],
    ['wrong types stop at the schema', `
networking:
  address: 10.0.0.1
  inbound: [{port: "8080", state: Up, health: {ready: "yes"}, tags: [a]}]
  transparentProxying: {redirectPortInbound: 70000, reachableServices: web}`, [
      v('networking.inbound[0].port', 'must be a number; got string'),
      v('networking.inbound[0].state', 'must be one of: Ready, NotReady, Ignored; got "Up"'),
      v('networking.inbound[0].health.ready', 'must be true or false; got string'),
      v('networking.inbound[0].tags', 'must be a map; got list'),
      v('networking.transparentProxying.redirectPortInbound', 'must be in inclusive range [0, 65535]; got 70000'),
      v('networking.transparentProxying.reachableServices', 'must be a list; got string'),
    ]],
    ['networking of the wrong type', 'networking: 10.0.0.1', [v('networking', 'must be an object; got string')]],
  ];
  for (const [title, doc, expected] of cases) it(title, () => assert.deepEqual(violationsOf(doc), expected));
});

describe('Dataplane validation: valid documents (Kuma test cases and more)', () => {
  const valid: [string, string][] = [
    ['inbounds', `
networking:
  address: 192.168.0.1
  inbound: [{port: 8080, tags: {kuma.io/service: backend, version: "1"}}]
  outbound: [{port: 3333, tags: {kuma.io/service: redis}}]`],
    ['full inbounds and outbounds, IPv6', `
networking:
  address: 0:0:0:0:0:FFFF:C0A8:0001
  inbound: [{port: 8080, servicePort: 7777, address: '::1', tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333, address: '::1', tags: {kuma.io/service: redis}}]`],
    ['delegated gateway (the misspelt tag key is just a tag)', `
networking:
  address: 192.168.0.1
  gateway: {tags: {kuma.io/service: backend, kuam.io/protocol: tcp, version: "1"}}
  outbound: [{port: 3333, tags: {kuma.io/service: redis}}]`],
    ['tags with every allowed character', `
networking:
  address: 192.168.0.1
  gateway: {tags: {kuma.io/service: backend, kuma.io/valid: abc.0123-789.under_score:90}}`],
    ['domain name address, probes and a service probe kept as given', `
networking:
  address: example.com
  inbound: [{port: 8080, serviceProbe: {interval: 1s, unhealthyThreshold: 5, tcp: {}}, tags: {kuma.io/service: backend}}]
probes: {port: 9000, endpoints: [{inboundPort: 8088, inboundPath: /healthz, path: /8080/healthz}]}
metrics: {type: prometheus}`],
    ['admin port equal to inbound and outbound on other interfaces', `
networking:
  address: 192.168.0.1
  admin: {port: 8080}
  inbound: [{port: 8080, servicePort: 7777, address: 192.168.0.1, tags: {kuma.io/service: backend}}]
  outbound: [{port: 3333, address: 192.168.0.1, tags: {kuma.io/service: redis}}]`],
    ['inbound serviceAddress distinct from address', `
networking:
  address: 192.168.0.1
  inbound:
  - {port: 10001, serviceAddress: 192.168.0.2, servicePort: 5050, address: 1.1.1.1, tags: {kuma.io/service: backend}}
  - {port: 10002, address: 192.168.0.2, serviceAddress: 192.168.0.2, servicePort: 10003, tags: {kuma.io/service: backend}}`],
    ['backendRefs to MeshService (name or labels) and MeshExternalService (no port)', `
networking:
  address: 192.168.0.1
  inbound: [{port: 8080, tags: {kuma.io/service: backend}}]
  outbound:
  - {port: 3333, backendRef: {kind: MeshService, name: xyz, port: 80}}
  - {port: 3334, backendRef: {kind: MeshExternalService, name: xyz}}
  - {port: 3335, backendRef: {kind: MeshService, labels: {kuma.io/display-name: redis}, port: 8080}}`],
    ['reachable backends, reachable services, tls protocol (accepted though Kuma does not list it)', `
networking:
  address: 192.168.0.1
  inbound: [{port: 8080, name: main, state: NotReady, health: {ready: false}, tags: {kuma.io/service: backend, kuma.io/protocol: TLS}}]
  transparentProxying:
    redirectPortInbound: 15006
    redirectPortOutbound: 15001
    reachableServices: [redis]
    reachableBackends:
      refs:
      - {kind: MeshService, name: a, port: 9090}
      - {kind: MeshExternalService, name: es, namespace: es1}
      - {kind: MeshService, labels: {kuma.io/test: abc}}`],
    ['one port on two addresses, and an empty reachableBackends', `
networking:
  address: 10.0.0.1
  inbound: [{port: 8080, tags: {kuma.io/service: a}}, {port: 8080, address: 10.0.0.2, tags: {kuma.io/service: a}}]
  transparentProxying: {reachableBackends: {refs: []}}`],
  ];
  for (const [title, doc] of valid) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(doc), []));
});
