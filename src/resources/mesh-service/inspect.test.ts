import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZONE_DEFAULT_HOSTNAME_GENERATORS } from '../hostname-generator/defaults.js';
import type { Inbound } from '../dataplane/types.js';
import { inspectDataplanes, inspectHostnames } from './inspect.js';
import type { DataplaneResource } from './selection.js';

const T0 = '2026-01-01T00:00:00.000Z';
const generators = ZONE_DEFAULT_HOSTNAME_GENERATORS.map((g) => ({ ...g, creationTime: T0 }));
const backend = { type: 'MeshService', mesh: 'default', name: 'backend', labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'west', 'kuma.io/display-name': 'backend' } };

function dp(name: string, inbound: Inbound[]): DataplaneResource {
  return { type: 'Dataplane', mesh: 'default', name, labels: {}, creationTime: T0, modificationTime: T0, version: 1, spec: { networking: { address: '10.0.0.1', inbound } } };
}

describe('inspectHostnames', () => {
  it('lists every hostname a generator gives the service, with its zone', () => {
    const extra = { name: 'static', labels: {}, creationTime: T0, spec: { selector: { meshService: {} }, template: 'Static_Name.mesh' } };
    assert.deepEqual(inspectHostnames({ service: backend, generators: [...generators, extra], localZone: 'west' }), {
      ok: true,
      body: {
        total: 2,
        items: [
          // No DNS check here: the inspect view shows what a template renders, even when invalid.
          { hostname: 'Static_Name.mesh', zones: [{ name: 'west' }] },
          { hostname: 'backend.svc.mesh.local', zones: [{ name: 'west' }] },
        ],
      },
    });
  });

  it('a service no generator selects has no hostnames; a template error fails the whole answer', () => {
    const synced = { ...backend, labels: { ...backend.labels, 'kuma.io/origin': 'global' } };
    assert.deepEqual(inspectHostnames({ service: synced, generators, localZone: 'west' }), { ok: true, body: { total: 0, items: [] } });
    const broken = { name: 'broken', labels: {}, creationTime: T0, spec: { selector: { meshService: {} }, template: '{{ label "team" }}.mesh' } };
    const got = inspectHostnames({ service: backend, generators: [broken], localZone: 'west' });
    assert.equal(got.ok, false);
    assert.match(got.ok ? '' : got.error, /^HostnameGenerator "broken": pre evaluation of template with parameters failed/);
  });

  it('on global, the service is also evaluated as synced so synced-* generators show', () => {
    const syncedGen = { name: 'synced-universal-mesh-service', labels: {}, creationTime: T0, spec: { selector: { meshService: { matchLabels: { 'kuma.io/origin': 'global', 'kuma.io/env': 'universal' } } }, template: '{{ .DisplayName }}.svc.{{ .Zone }}.mesh.local' } };
    const onGlobal = { ...backend, labels: { ...backend.labels, 'kuma.io/env': 'universal' } };
    const got = inspectHostnames({ service: onGlobal, generators: [...generators, syncedGen], localZone: 'global', controlPlaneMode: 'global' });
    assert.deepEqual(got.ok ? got.body.items.map((i) => i.hostname) : [], ['backend.svc.mesh.local', 'backend.svc.west.mesh.local']);
  });
});

describe('inspectDataplanes', () => {
  const dps = [dp('b-2', [{ port: 80, tags: { 'kuma.io/service': 'b' } }]), dp('b-1', [{ port: 80, tags: { 'kuma.io/service': 'b' } }]), dp('c-1', [{ port: 80, tags: { 'kuma.io/service': 'c' } }])];
  const service = { mesh: 'default', spec: { selector: { dataplaneTags: { 'kuma.io/service': 'b' } } } };

  it('lists the selected Dataplanes by name, paged', () => {
    const first = inspectDataplanes(service, dps, { size: 1 });
    assert.deepEqual([first.total, first.items.map((d) => d.name), first.nextOffset], [2, ['b-1'], 1]);
    const second = inspectDataplanes(service, dps, { size: 1, offset: 1 });
    assert.deepEqual([second.items.map((d) => d.name), second.nextOffset], [['b-2'], undefined]);
    assert.deepEqual(inspectDataplanes(service, dps, { nameContains: '-2' }).items.map((d) => d.name), ['b-2']);
  });
});
