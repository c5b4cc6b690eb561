import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { Violation } from '../../core/violations.js';
import { zoneIngressDescriptor } from './descriptor.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'east', environment: 'universal' };
const RANGE = 'port must be in the range [1, 65535]';

function violationsOf(body: unknown): Violation[] {
  try {
    admit({ kind: zoneIngressDescriptor, name: 'zi-1', mesh: '', labels: {}, body }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const services = [
  { tags: { 'kuma.io/service': 'backend', version: '1', region: 'us' } },
  { tags: { 'kuma.io/service': 'web', version: 'v2', region: 'eu' } },
];

describe('ZoneIngress validation (Kuma zone_ingress_validator_test.go and ours)', () => {
  const cases: { title: string; body: unknown; expected: Violation[] }[] = [
    {
      title: 'no port',
      body: { networking: { address: '192.168.0.1', advertisedAddress: '10.0.0.1', advertisedPort: 1234 }, availableServices: services },
      expected: [{ field: 'networking.port', message: RANGE }],
    },
    {
      title: 'invalid advertised address and port (Kuma says networking.advertisedAddress.address; availableServices are not checked here)',
      body: {
        networking: { address: '192.168.0.1', advertisedAddress: '!@#', port: 10001, advertisedPort: 100000 },
        availableServices: [...services, { tags: { version: 'v2' } }, { tags: { 'kuma.io/service': '' } }],
      },
      expected: [
        { field: 'networking.advertisedAddress', message: 'address has to be valid IP address or domain name' },
        { field: 'networking.advertisedPort', message: RANGE },
      ],
    },
    {
      title: 'admin port equal to the listener port on loopback',
      body: { networking: { admin: { port: 10001 }, address: '127.0.0.1', advertisedAddress: '10.0.0.1', port: 10001, advertisedPort: 1234 } },
      expected: [{ field: 'networking.admin.port', message: 'must differ from port' }],
    },
    {
      title: 'advertised port without address',
      body: { networking: { address: '192.168.0.1', port: 10001, advertisedPort: 1234 } },
      expected: [{ field: 'networking.advertisedAddress', message: 'has to be defined with advertisedPort' }],
    },
    {
      title: 'advertised address without port',
      body: { networking: { address: '192.168.0.1', port: 10001, advertisedAddress: 'ingress.example.com' } },
      expected: [{ field: 'networking.advertisedPort', message: 'has to be defined with advertisedAddress' }],
    },
    {
      title: 'wildcard listen address',
      body: { networking: { address: '0.0.0.0', port: 10001 } },
      expected: [{ field: 'networking.address', message: 'must not be 0.0.0.0 or ::' }],
    },
    { title: 'no networking at all', body: {}, expected: [{ field: 'networking.port', message: RANGE }] },
    {
      title: 'wrong types',
      body: { zone: 1, networking: { port: '10001', admin: { port: 70000 } } },
      expected: [
        { field: 'zone', message: 'must be a string; got number' },
        { field: 'networking.port', message: 'must be a number; got string' },
        { field: 'networking.admin.port', message: 'must be in inclusive range [0, 65535]; got 70000' },
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.body), c.expected));

  const valid: [string, unknown][] = [
    ['advertised address and port', { networking: { address: '192.168.0.1', advertisedAddress: '10.0.0.1', port: 10001, advertisedPort: 1234 }, availableServices: services }],
    ['advertised IPv6 address', { networking: { address: '192.168.0.1', advertisedAddress: '::ffff:0a00:0001', port: 10001, advertisedPort: 1234 } }],
    ['no advertised address and port yet', { zone: 'east', networking: { address: '192.168.0.1', port: 10001 }, availableServices: [] }],
    ['admin port equal to port on another interface', { networking: { admin: { port: 10001 }, address: '192.168.0.1', advertisedAddress: '10.0.0.1', port: 10001, advertisedPort: 1234 } }],
  ];
  for (const [title, body] of valid) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(body), []));

  it('keeps availableServices as given and shows ZONE, ADDRESS, ADVERTISED', () => {
    const body = { zone: 'east', networking: { address: '192.168.0.1', port: 10001, advertisedAddress: '10.0.0.1', advertisedPort: 1234 }, availableServices: services };
    const admitted = admit({ kind: zoneIngressDescriptor, name: 'zi-1', mesh: '', labels: {}, body }, ctx);
    assert.deepEqual(admitted.resource.spec, body);
    assert.deepEqual(admitted.resource.labels, {});
    const r: Resource = { ...admitted.resource, creationTime: '', modificationTime: '', version: 1 };
    assert.deepEqual(
      zoneIngressDescriptor.columns.map((c) => c.value(r)),
      ['east', '192.168.0.1:10001', '10.0.0.1:1234'],
    );
  });
});
