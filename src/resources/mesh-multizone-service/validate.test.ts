import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { DNS1035_MESSAGE } from '../../core/dns-names.js';
import { ValidationError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { Violation } from '../../core/violations.js';
import { toWire } from '../../core/wire.js';
import { meshMultiZoneServiceDescriptor } from './descriptor.js';

const globalCtx: AdmissionContext = { mode: 'global', zone: '', environment: 'universal' };
const PROTOCOLS = 'appProtocol must be one of: grpc, http, http2, tcp';

function violationsOf(spec: unknown, name = 'backend'): Violation[] {
  try {
    admit({ kind: meshMultiZoneServiceDescriptor, name, mesh: 'default', labels: {}, body: spec }, globalCtx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const selector = { meshService: { matchLabels: { app: 'xyz' } } };

describe('MeshMultiZoneService validation', () => {
  const cases: { title: string; name?: string; spec: unknown; expected: Violation[] }[] = [
    {
      title: 'explicit empty port name (Kuma calls this case "spec.template empty")',
      spec: { selector, ports: [{ port: 123, name: '', appProtocol: 'tcp' }] },
      expected: [{ field: 'spec.ports[0].name', message: 'must not be empty' }],
    },
    {
      title: 'unsupported appProtocol',
      spec: { selector, ports: [{ port: 123, appProtocol: 'not_supported' }] },
      expected: [{ field: 'spec.ports[0].appProtocol', message: PROTOCOLS }],
    },
    {
      title: 'kafka is refused, as for MeshService (Kuma 2.14 lists it)',
      spec: { selector, ports: [{ port: 9092, appProtocol: 'kafka' }] },
      expected: [{ field: 'spec.ports[0].appProtocol', message: PROTOCOLS }],
    },
    {
      title: 'an explicit empty appProtocol is refused (defaulting only fills an absent one)',
      spec: { selector, ports: [{ port: 123, appProtocol: '' }] },
      expected: [{ field: 'spec.ports[0].appProtocol', message: PROTOCOLS }],
    },
    { title: 'name is not an RFC 1035 label', name: 'global.backend', spec: { selector, ports: [{ port: 123 }] }, expected: [{ field: 'name', message: DNS1035_MESSAGE }] },
    {
      title: 'empty spec',
      spec: {},
      expected: [
        { field: 'spec.selector.meshService.matchLabels', message: 'cannot be empty' },
        { field: 'spec.ports', message: 'cannot be empty' },
      ],
    },
    {
      title: 'empty matchLabels and empty ports list',
      spec: { selector: { meshService: { matchLabels: {} } }, ports: [] },
      expected: [
        { field: 'spec.selector.meshService.matchLabels', message: 'cannot be empty' },
        { field: 'spec.ports', message: 'cannot be empty' },
      ],
    },
    {
      title: 'duplicate port numbers and names name the first',
      spec: { selector, ports: [{ port: 80, name: 'http' }, { port: 80 }, { port: 81, name: 'http' }, { port: 82, name: '80' }] },
      expected: [
        { field: 'spec.ports[1].port', message: 'duplicate port 80: already used by spec.ports[0]' },
        { field: 'spec.ports[2].name', message: 'duplicate port name "http": already used by spec.ports[0]' },
        { field: 'spec.ports[3].name', message: 'duplicate port name "80": already used by spec.ports[1]' },
      ],
    },
    {
      title: 'ports out of range and missing stop at the schema',
      spec: { selector, ports: [{ port: 0 }, { port: 65536 }, { name: 'x' }] },
      expected: [
        { field: 'spec.ports[0].port', message: 'must be in inclusive range [1, 65535]; got 0' },
        { field: 'spec.ports[1].port', message: 'must be in inclusive range [1, 65535]; got 65536' },
        { field: 'spec.ports[2].port', message: 'must be defined' },
      ],
    },
    {
      title: 'wrong types',
      spec: { selector: { meshService: 'app=xyz' }, ports: { port: 80 } },
      expected: [
        { field: 'spec.selector.meshService', message: 'must be an object; got string' },
        { field: 'spec.ports', message: 'must be a list; got object' },
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec, c.name), c.expected));

  for (const spec of [
    { selector, ports: [{ port: 123, appProtocol: 'tcp' }] },
    { selector, ports: [{ port: 123 }] },
    { selector, ports: [{ port: 80, name: 'http', appProtocol: 'HTTP' }, { port: 81, appProtocol: 'Grpc' }] },
  ]) {
    it(`accepts ${JSON.stringify(spec)} (appProtocol case-insensitively, unlike Kuma: quirk Q8)`, () => assert.deepEqual(violationsOf(spec), []));
  }

  it('warns about port names that are not RFC 1123 labels', () => {
    const admitted = admit(
      { kind: meshMultiZoneServiceDescriptor, name: 'backend', mesh: 'default', labels: {}, body: { selector, ports: [{ port: 80, name: 'http.main' }] } },
      globalCtx,
    );
    assert.equal(admitted.warnings.length, 1);
    assert.match(admitted.warnings[0] ?? '', /^Invalid MeshMultiZoneService SNI \(port "http\.main"\): .*This is deprecated\.$/);
  });

  it("reads back like Kuma's put_meshmultizoneservice golden: kri, snis, defaults, empty status", () => {
    const admitted = admit(
      {
        kind: meshMultiZoneServiceDescriptor,
        name: 'redis',
        mesh: 'default',
        labels: {},
        body: { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'redis' } } }, ports: [{ port: 6379 }] },
      },
      globalCtx,
    );
    const stored: Resource = { ...admitted.resource, creationTime: 't0', modificationTime: 't0', version: 1 };
    assert.deepEqual(toWire(meshMultiZoneServiceDescriptor, stored), {
      type: 'MeshMultiZoneService',
      mesh: 'default',
      name: 'redis',
      creationTime: 't0',
      modificationTime: 't0',
      labels: { 'kuma.io/display-name': 'redis', 'kuma.io/env': 'universal', 'kuma.io/mesh': 'default', 'kuma.io/origin': 'global' },
      kri: 'kri_mzsvc_default___redis_',
      snis: [{ port: 6379, sni: 'sni.mzsvc.default.redis.6379' }],
      spec: { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'redis' } } }, ports: [{ port: 6379, appProtocol: 'tcp' }] },
      status: {},
    });
  });

  it('shows PORTS, SELECTOR, VIPS, HOSTNAMES and MATCHED', () => {
    const r: Resource = {
      type: 'MeshMultiZoneService', mesh: 'default', name: 'backend', labels: {}, creationTime: '', modificationTime: '', version: 1,
      spec: { selector: { meshService: { matchLabels: { app: 'backend', tier: 'web' } } }, ports: [{ port: 80, name: 'http', appProtocol: 'http' }, { port: 81, appProtocol: 'tcp' }] },
      status: {
        vips: [{ ip: '243.0.0.1' }],
        addresses: [{ hostname: 'backend.mzsvc.mesh.local', origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'synced-mesh-multi-zone-service' } }],
        meshServices: [{ name: 'backend', namespace: '', zone: 'east', mesh: 'default' }, { name: 'backend', namespace: '', zone: 'west', mesh: 'default' }],
      },
    };
    assert.deepEqual(meshMultiZoneServiceDescriptor.columns.map((c) => [c.header, c.value(r)]), [
      ['PORTS', 'http:80/http,81/tcp'],
      ['SELECTOR', 'app=backend,tier=web'],
      ['VIPS', '243.0.0.1'],
      ['HOSTNAMES', 'backend.mzsvc.mesh.local'],
      ['MATCHED', '2'],
    ]);
  });
});
