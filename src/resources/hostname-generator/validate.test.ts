import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { DNS1123_SUBDOMAIN_MESSAGE } from '../../core/dns-names.js';
import { ValidationError } from '../../core/errors.js';
import type { Violation } from '../../core/violations.js';
import { GLOBAL_DEFAULT_HOSTNAME_GENERATORS, ZONE_DEFAULT_HOSTNAME_GENERATORS } from './defaults.js';
import { hostnameGeneratorDescriptor } from './descriptor.js';
import { hostnameDataOf } from './hostname-data.js';
import { parseHostnameTemplate, renderHostname } from './template.js';
import { hostnameGeneratorSelects } from './types.js';

const zoneCtx: AdmissionContext = { mode: 'zone', zone: 'east', environment: 'universal' };
const globalCtx: AdmissionContext = { mode: 'global', zone: '', environment: 'universal' };

function violationsOf(spec: unknown, name = 'gen', ctx = zoneCtx): Violation[] {
  try {
    admit({ kind: hostnameGeneratorDescriptor, name, mesh: '', labels: {}, body: spec }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const ms = { meshService: {} };
const SELECTOR = 'exact one selector (meshService, meshExternalService, meshMultiZoneService) must be defined';
const notDns = (out: string): Violation => ({
  field: 'spec.template',
  message: `template renders to ${JSON.stringify(out)} which is not a valid DNS name: ${DNS1123_SUBDOMAIN_MESSAGE}`,
});

describe('HostnameGenerator validation (Kuma validate_test.go cases)', () => {
  const cases: { title: string; spec: unknown; expected: Violation[] }[] = [
    {
      title: 'template does not parse',
      spec: { template: '{{ .Name[4 }}.mesh', selector: ms },
      expected: [{ field: 'spec.template', message: "couldn't parse template: template: :1: bad character U+005B '['" }],
    },
    { title: 'empty template', spec: { template: '', selector: ms }, expected: [{ field: 'spec.template', message: 'must not be empty' }] },
    { title: 'absent template reads as empty', spec: { selector: ms }, expected: [{ field: 'spec.template', message: 'must not be empty' }] },
    {
      title: 'no selector (quirk Q9: Kuma names only meshService and meshExternalService; we name all three)',
      spec: { template: '{{ .Name }}.mesh' },
      expected: [{ field: 'spec.selector', message: SELECTOR }],
    },
    {
      title: 'extension without a type',
      spec: { template: '{{ .Name }}.mesh', selector: ms, extension: { config: {} } },
      expected: [{ field: 'spec.extension.type', message: 'must not be empty' }],
    },
    {
      title: 'two selectors',
      spec: { template: '{{ .Name }}.mesh', selector: { meshService: {}, meshExternalService: {} } },
      expected: [{ field: 'spec.selector', message: SELECTOR }],
    },
    { title: 'uppercase in the output', spec: { template: '{{ .Name }}.MESH', selector: ms }, expected: [notDns('name.MESH')] },
    { title: 'leading dot', spec: { template: '.{{ .Name }}.mesh', selector: ms }, expected: [notDns('.name.mesh')] },
    { title: 'empty label', spec: { template: '{{ .Name }}..mesh', selector: ms }, expected: [notDns('name..mesh')] },
    { title: 'underscore', spec: { template: '{{ .Name }}_svc.mesh', selector: ms }, expected: [notDns('name_svc.mesh')] },
    {
      title: 'unknown field is a parse error here (Go would fail only when rendering)',
      spec: { template: '{{ .Service }}.mesh', selector: ms },
      expected: [
        {
          field: 'spec.template',
          message:
            "couldn't parse template: template: :1: can't evaluate field Service: hostname templates know only .Name, .DisplayName, .Namespace, .Mesh, .Zone",
        },
      ],
    },
    {
      title: 'output longer than 253 characters',
      spec: { template: `${'a'.repeat(250)}.{{ .Mesh }}`, selector: ms },
      expected: [{ field: 'spec.template', message: `template renders to "${'a'.repeat(250)}.mesh" which is not a valid DNS name: must be no more than 253 characters` }],
    },
    {
      title: 'every problem at once',
      spec: { template: '', selector: { meshService: {}, meshMultiZoneService: {} }, extension: { type: '' } },
      expected: [
        { field: 'spec.selector', message: SELECTOR },
        { field: 'spec.template', message: 'must not be empty' },
        { field: 'spec.extension.type', message: 'must not be empty' },
      ],
    },
    {
      title: 'wrong types and broken rules are all reported at once, schema first',
      spec: { template: 42, selector: { meshService: { matchLabels: ['a'] } }, extension: { type: '' } },
      expected: [
        { field: 'spec.template', message: 'must be a string; got number' },
        { field: 'spec.selector.meshService.matchLabels', message: 'must be a map; got list' },
        { field: 'spec.extension.type', message: 'must not be empty' },
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec), c.expected));

  for (const spec of [
    { template: '{{ .Name }}.mesh', selector: { meshService: {} } },
    { template: '{{ .Name }}.mesh', selector: { meshMultiZoneService: {} } },
    { template: '{{ .Name }}.{{ .DisplayName }}.{{ .Namespace }}.{{ .Mesh }}.{{ .Zone }}.mesh', selector: ms },
    { template: '{{ label "app" }}.mesh', selector: ms },
    { template: 'static.mesh', selector: { meshExternalService: { matchLabels: { a: 'b' } } }, extension: { type: 'x', config: { k: 1 } } },
  ]) {
    it(`accepts ${JSON.stringify(spec)}`, () => assert.deepEqual(violationsOf(spec), []));
  }

  it('fills the computed labels of a global-scoped kind (no kuma.io/mesh)', () => {
    const admitted = admit(
      { kind: hostnameGeneratorDescriptor, name: 'gen', mesh: '', labels: {}, body: { template: 'a.mesh', selector: ms } },
      zoneCtx,
    );
    assert.equal(admitted.resource.mesh, '');
    assert.deepEqual(admitted.resource.labels, {
      'kuma.io/display-name': 'gen',
      'kuma.io/origin': 'zone',
      'kuma.io/zone': 'east',
      'kuma.io/env': 'universal',
    });
  });
});

describe('HostnameGenerator defaults (Kuma 5.4)', () => {
  it('every default is valid and carries the labels Kuma gives it', () => {
    for (const g of ZONE_DEFAULT_HOSTNAME_GENERATORS) {
      assert.deepEqual(violationsOf(g.spec, g.name, zoneCtx), [], g.name);
      assert.deepEqual(g.labels, { 'kuma.io/origin': 'zone' });
    }
    for (const g of GLOBAL_DEFAULT_HOSTNAME_GENERATORS) {
      assert.deepEqual(violationsOf(g.spec, g.name, globalCtx), [], g.name);
      assert.deepEqual(g.labels, {});
    }
    assert.deepEqual(ZONE_DEFAULT_HOSTNAME_GENERATORS.map((g) => g.name), ['local-universal-mesh-service']);
    assert.deepEqual(GLOBAL_DEFAULT_HOSTNAME_GENERATORS.map((g) => g.name), [
      'synced-mesh-multi-zone-service',
      'synced-kube-mesh-service',
      'synced-headless-kube-mesh-service',
      'synced-universal-mesh-service',
      'synced-mesh-external-service',
    ]);
  });

  it('the documented examples come out of the default templates', () => {
    const hostOf = (template: string, r: { name: string; mesh: string; labels: Record<string, string> }, zone: string): string => {
      const parsed = parseHostnameTemplate(template);
      assert.ok(parsed.ok);
      const rendered = renderHostname(parsed.template, hostnameDataOf(r, zone));
      return rendered.ok ? rendered.hostname : rendered.error;
    };
    const [local] = ZONE_DEFAULT_HOSTNAME_GENERATORS;
    const synced = GLOBAL_DEFAULT_HOSTNAME_GENERATORS.find((g) => g.name === 'synced-universal-mesh-service');
    const headless = GLOBAL_DEFAULT_HOSTNAME_GENERATORS.find((g) => g.name === 'synced-headless-kube-mesh-service');
    assert.equal(hostOf(local?.spec.template ?? '', { name: 'backend', mesh: 'default', labels: {} }, 'west'), 'backend.svc.mesh.local');
    const remote = { name: 'test-server-2v6wfvvcvbc9f55d', mesh: 'default', labels: { 'kuma.io/display-name': 'test-server', 'kuma.io/zone': 'kuma-5' } };
    assert.equal(hostOf(synced?.spec.template ?? '', remote, 'west'), 'test-server.svc.kuma-5.mesh.local');
    const pod = {
      name: 'db-0-87ff74c98',
      mesh: 'default',
      labels: { 'statefulset.kubernetes.io/pod-name': 'db-0', 'k8s.kuma.io/service-name': 'db', 'k8s.kuma.io/namespace': 'kuma-demo', 'kuma.io/zone': 'east' },
    };
    assert.equal(hostOf(headless?.spec.template ?? '', pod, 'west'), 'db-0.db.kuma-demo.svc.east.mesh.local');
  });
});

describe('hostnameDataOf (Kuma EvaluateTemplate rules)', () => {
  it('falls back to the local zone and the core name; an empty display-name label still counts', () => {
    assert.deepEqual(hostnameDataOf({ name: 'backend', mesh: 'default', labels: {} }, 'local'), {
      name: 'backend', displayName: 'backend', namespace: '', mesh: 'default', zone: 'local', labels: {},
    });
    const labels = { 'kuma.io/display-name': '', 'kuma.io/zone': '', 'k8s.kuma.io/namespace': 'my-ns' };
    assert.deepEqual(hostnameDataOf({ name: 'backend', mesh: 'm', labels }, 'local'), {
      name: 'backend', displayName: '', namespace: 'my-ns', mesh: 'm', zone: 'local', labels,
    });
  });
});

describe('hostnameGeneratorSelects', () => {
  const spec = { template: 'x', selector: { meshService: { matchLabels: { 'kuma.io/origin': 'zone' } } } };
  it('matches by kind and every label pair', () => {
    assert.equal(hostnameGeneratorSelects(spec, 'MeshService', { 'kuma.io/origin': 'zone', other: 'x' }), true);
    assert.equal(hostnameGeneratorSelects(spec, 'MeshService', { 'kuma.io/origin': 'global' }), false);
    assert.equal(hostnameGeneratorSelects(spec, 'MeshMultiZoneService', { 'kuma.io/origin': 'zone' }), false);
  });
  it('an empty matchLabels selects every resource of the kind; two selectors select nothing', () => {
    assert.equal(hostnameGeneratorSelects({ selector: { meshMultiZoneService: {} } }, 'MeshMultiZoneService', {}), true);
    assert.equal(hostnameGeneratorSelects({ selector: { meshService: {}, meshMultiZoneService: {} } }, 'MeshService', {}), false);
  });
});
