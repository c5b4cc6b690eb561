import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { DNS1123_LABEL_MESSAGE } from '../../core/dns-names.js';
import { ValidationError } from '../../core/errors.js';
import type { Violation } from '../../core/violations.js';
import { parseDocument, toWire } from '../../core/wire.js';
import { meshDescriptor } from './descriptor.js';
import { type MeshSpec, meshServicesModeOf } from './types.js';

const ctx: AdmissionContext = { mode: 'global', zone: '', environment: 'universal' };

function violationsOf(name: string, body: unknown): Violation[] {
  try {
    admit({ kind: meshDescriptor, name, mesh: '', labels: {}, body }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const WHY = ' (the mesh name is part of SNIs and hostnames)';

describe('Mesh validation', () => {
  const cases: { title: string; name?: string; body: unknown; expected: Violation[] }[] = [
    {
      title: 'unknown meshServices mode',
      body: { meshServices: { mode: 'Sometimes' } },
      expected: [{ field: 'meshServices.mode', message: 'must be one of: Disabled, Everywhere, ReachableBackends, Exclusive; got "Sometimes"' }],
    },
    {
      title: 'mode number outside 0-3',
      body: { meshServices: { mode: 4 } },
      expected: [{ field: 'meshServices.mode', message: 'must be one of: Disabled, Everywhere, ReachableBackends, Exclusive; got 4' }],
    },
    {
      title: 'mode names are case-sensitive, as in proto JSON',
      body: { meshServices: { mode: 'exclusive' } },
      expected: [{ field: 'meshServices.mode', message: 'must be one of: Disabled, Everywhere, ReachableBackends, Exclusive; got "exclusive"' }],
    },
    { title: 'meshServices of the wrong type', body: { meshServices: 'Exclusive' }, expected: [{ field: 'meshServices', message: 'must be an object; got string' }] },
    {
      title: 'name longer than 63 characters (it is a DNS label inside SNIs)',
      name: 'm'.repeat(64),
      body: {},
      expected: [{ field: 'name', message: `must be no more than 63 characters${WHY}` }],
    },
    { title: 'name with a dot', name: 'team.a', body: {}, expected: [{ field: 'name', message: `${DNS1123_LABEL_MESSAGE}${WHY}` }] },
    { title: 'name with an underscore', name: 'team_a', body: {}, expected: [{ field: 'name', message: `${DNS1123_LABEL_MESSAGE}${WHY}` }] },
    {
      title: 'a name that is not even a resource name is reported once, by admission',
      name: 'Team-A',
      body: {},
      expected: [
        {
          field: 'name',
          message: "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_', and start and end with an alphanumeric character",
        },
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.name ?? 'default', c.body), c.expected));

  for (const body of [{}, { meshServices: {} }, { meshServices: { mode: 'Exclusive' } }, { meshServices: { mode: 2 } }, { mtls: { enabledBackend: 'ca-1' } }]) {
    it(`accepts ${JSON.stringify(body)}`, () => assert.deepEqual(violationsOf('default', body), []));
  }

  it('stores a numeric mode by its name and computes no labels (Mesh is an older kind)', () => {
    const admitted = admit({ kind: meshDescriptor, name: 'default', mesh: '', labels: {}, body: { meshServices: { mode: 3 } } }, ctx);
    assert.deepEqual(admitted.resource.spec, { meshServices: { mode: 'Exclusive' } });
    assert.deepEqual(admitted.resource.labels, {});
  });

  it("round-trips a Kuma Mesh with blocks Meshplane does not interpret", () => {
    const doc = parse(`
type: Mesh
name: default
meshServices:
  mode: ReachableBackends
mtls:
  enabledBackend: ca-1
  backends:
  - name: ca-1
    type: builtin
    dpCert: {rotation: {expiration: 1d}}
networking:
  outbound: {passthrough: false}
routing: {zoneEgress: true, localityAwareLoadBalancing: true}
tracing: {defaultBackend: zipkin, backends: [{name: zipkin, type: zipkin, conf: {url: http://zipkin:9411}}]}
logging: {backends: [{name: file, type: file, conf: {path: /tmp/access.log}}]}
metrics: {enabledBackend: prom, backends: [{name: prom, type: prometheus}]}
constraints: {dataplaneProxy: {requirements: [{tags: {kuma.io/zone: east}}]}}
skipCreatingInitialPolicies: ['*']
`) as Record<string, unknown>;
    const parsed = parseDocument(doc);
    assert.ok(parsed.ok);
    const admitted = admit({ ...parsed.doc, kind: meshDescriptor }, ctx);
    assert.deepEqual(admitted.warnings, []);
    const wire = toWire(meshDescriptor, { ...admitted.resource, creationTime: 't0', modificationTime: 't0', version: 1 });
    assert.deepEqual(wire, { ...doc, creationTime: 't0', modificationTime: 't0', kri: 'kri_m____default_' });
  });
});

describe('meshServicesModeOf', () => {
  const cases: [MeshSpec | undefined, string][] = [
    [undefined, 'Disabled'],
    [{}, 'Disabled'],
    [{ meshServices: {} }, 'Disabled'],
    [{ meshServices: { mode: 'Everywhere' } }, 'Everywhere'],
    [{ meshServices: { mode: 'ReachableBackends' } }, 'ReachableBackends'],
    [{ meshServices: { mode: 3 } }, 'Exclusive'],
  ];
  for (const [spec, mode] of cases) it(`${JSON.stringify(spec)} -> ${mode}`, () => assert.equal(meshServicesModeOf(spec), mode));

  it('is the MESHSERVICES column', () => {
    const column = meshDescriptor.columns.find((c) => c.header === 'MESHSERVICES');
    const r = { type: 'Mesh', mesh: '', name: 'default', labels: {}, creationTime: '', modificationTime: '', version: 1, spec: {} };
    assert.equal(column?.value(r), 'Disabled');
    assert.equal(column?.value({ ...r, spec: { meshServices: { mode: 'Exclusive' } } }), 'Exclusive');
  });
});
