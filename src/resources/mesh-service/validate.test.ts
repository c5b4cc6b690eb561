import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Violation } from '../../core/violations.js';
import { meshServiceDescriptor } from './descriptor.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'default', environment: 'universal' };

function violationsOf(name: string, spec: unknown): Violation[] {
  try {
    admit({ kind: meshServiceDescriptor, name, mesh: 'default', labels: {}, body: spec }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

describe('MeshService validation', () => {
  const cases: { title: string; name?: string; spec: unknown; expected: Violation[] }[] = [
    {
      title: 'name too long (Kuma: name too long)',
      name: 'meshservice-too-long-too-long-too-long-too-long-too-long-too-long-too-long-too-long-too',
      spec: {},
      expected: [{ field: 'name', message: 'must be no more than 63 characters (the name is used as a DNS label)' }],
    },
    {
      title: 'name is not an RFC 1035 label (Kuma 2.x only warned; we refuse it)',
      name: '1meshservice',
      spec: {},
      expected: [
        {
          field: 'name',
          message:
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        },
      ],
    },
    {
      title: 'multiple selectors',
      spec: { selector: { dataplaneTags: { app: 'redis' }, dataplaneLabels: { matchLabels: { app: 'redis' } } } },
      expected: [{ field: 'spec.selector', message: 'must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels' }],
    },
    {
      title: 'unsupported appProtocol',
      spec: { ports: [{ port: 9092, appProtocol: 'kafka' }] },
      expected: [{ field: 'spec.ports[0].appProtocol', message: 'appProtocol must be one of: grpc, http, http2, tcp' }],
    },
    {
      title: 'port out of range and bad targetPort, all at once',
      spec: { ports: [{ port: 70000, targetPort: 0 }, { port: 0 }] },
      expected: [
        { field: 'spec.ports[0].port', message: 'must be in inclusive range [1, 65535]; got 70000' },
        { field: 'spec.ports[1].port', message: 'must be in inclusive range [1, 65535]; got 0' },
        { field: 'spec.ports[0].targetPort', message: 'must be in inclusive range [1, 65535]; got 0' },
      ],
    },
    {
      title: 'duplicate port numbers and names',
      spec: { ports: [{ port: 80, name: 'main' }, { port: 80, name: 'main' }] },
      expected: [
        { field: 'spec.ports[1].port', message: 'duplicate port 80: already used by spec.ports[0]' },
        { field: 'spec.ports[1].name', message: 'duplicate port name "main": already used by spec.ports[0]' },
      ],
    },
    {
      title: 'port without a number',
      spec: { ports: [{ name: 'main' }] },
      expected: [{ field: 'spec.ports[0].port', message: 'must be defined' }],
    },
    {
      title: 'schema and semantic violations come back together',
      name: 'Bad_Name',
      spec: {
        selector: { dataplaneTags: { app: 'x' }, dataplaneRef: { name: 'y' } },
        ports: [{ port: 70000, appProtocol: 'kafka' }, { port: 70000 }],
      },
      expected: [
        {
          field: 'name',
          message:
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        },
        { field: 'spec.ports[0].port', message: 'must be in inclusive range [1, 65535]; got 70000' },
        { field: 'spec.ports[1].port', message: 'must be in inclusive range [1, 65535]; got 70000' },
        { field: 'spec.selector', message: 'must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels' },
        { field: 'spec.ports[0].appProtocol', message: 'appProtocol must be one of: grpc, http, http2, tcp' },
      ],
    },
    {
      title: 'wrong types',
      spec: { state: 'Up', ports: 'eighty' },
      expected: [
        { field: 'spec.state', message: 'must be one of: Available, Unavailable; got "Up"' },
        { field: 'spec.ports', message: 'must be a list; got string' },
      ],
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      assert.deepEqual(violationsOf(c.name ?? 'meshservice', c.spec), c.expected);
    });
  }

  for (const spec of [
    {},
    { ports: [{ port: 8080 }] },
    { ports: [{ port: 8080, appProtocol: 'TCP' }] },
    { selector: { dataplaneRef: { name: 'redis-01' } } },
    { selector: { dataplaneTags: { 'kuma.io/service': 'redis' } }, ports: [{ port: 6379, targetPort: 'main' }] },
  ]) {
    it(`accepts ${JSON.stringify(spec)}`, () => assert.deepEqual(violationsOf('meshservice', spec), []));
  }

  it('fills defaults and computed labels, and warns about a missing selector and unknown fields', () => {
    const admitted = admit(
      { kind: meshServiceDescriptor, name: 'redis', mesh: 'default', labels: {}, body: { ports: [{ port: 6379, protocol: 'tcp' }] } },
      ctx,
    );
    assert.deepEqual(admitted.resource.spec, { ports: [{ port: 6379, appProtocol: 'tcp' }], state: 'Unavailable' });
    assert.deepEqual(admitted.resource.labels, {
      'kuma.io/display-name': 'redis',
      'kuma.io/mesh': 'default',
      'kuma.io/origin': 'zone',
      'kuma.io/zone': 'default',
      'kuma.io/env': 'universal',
    });
    assert.equal(admitted.warnings.length, 2);
    assert.match(admitted.warnings[0] ?? '', /spec\.ports\[0\]\.protocol: unknown field, ignored/);
    assert.match(admitted.warnings[1] ?? '', /has no selector/);
  });
});
