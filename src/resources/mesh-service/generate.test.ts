/**
 * Golden cases for the generator: testdata/<case>/input.yaml (a mesh, its Dataplanes and
 * MeshServices, the time) -> plan.golden.yaml. The first comment lines of each input say what the
 * case checks. Beside the goldens, the tests below assert the key facts by hand.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { assertGolden, sourcePath } from '../../../test/support/golden.js';
import type { Resource } from '../../core/resource.js';
import type { DataplaneSpec } from '../dataplane/types.js';
import type { MeshServicesMode } from '../mesh/types.js';
import { type GenerateInput, type GenerationPlan, generateMeshServices, type MeshServiceResource } from './generate.js';

const TESTDATA = sourcePath(import.meta.url, 'testdata');
const T0 = '2026-01-01T00:00:00.000Z';

interface CaseInput {
  mesh?: string;
  mode?: MeshServicesMode;
  zone?: string;
  now?: string;
  gracePeriodMs?: number;
  dataplanes?: Record<string, unknown>[];
  existing?: Record<string, unknown>[];
}

function dataplaneOf(mesh: string, doc: Record<string, unknown>): Resource<DataplaneSpec> {
  const { name, creationTime, labels, ...spec } = doc;
  return { type: 'Dataplane', mesh, name: String(name), labels: (labels ?? {}) as Record<string, string>, creationTime: String(creationTime ?? T0), modificationTime: T0, version: 1, spec: spec as DataplaneSpec };
}

function meshServiceOf(mesh: string, doc: Record<string, unknown>): MeshServiceResource {
  return {
    type: 'MeshService',
    mesh,
    name: String(doc.name),
    labels: (doc.labels ?? {}) as Record<string, string>,
    creationTime: String(doc.creationTime ?? T0),
    modificationTime: T0,
    version: Number(doc.version ?? 1),
    spec: doc.spec as MeshServiceResource['spec'],
    ...(doc.status !== undefined ? { status: doc.status as MeshServiceResource['status'] } : {}),
  };
}

export function loadCase(dir: string): GenerateInput {
  const raw = parse(readFileSync(join(dir, 'input.yaml'), 'utf8')) as CaseInput;
  const mesh = raw.mesh ?? 'default';
  return {
    mesh,
    mode: raw.mode ?? 'Exclusive',
    zone: raw.zone ?? 'zone-1',
    now: new Date(raw.now ?? T0),
    ...(raw.gracePeriodMs !== undefined ? { gracePeriodMs: raw.gracePeriodMs } : {}),
    dataplanes: (raw.dataplanes ?? []).map((d) => dataplaneOf(mesh, d)),
    existing: (raw.existing ?? []).map((m) => meshServiceOf(mesh, m)),
  };
}

function planYaml(plan: GenerationPlan): string {
  const doc = {
    create: plan.create,
    update: plan.update.map((u) => ({ reasons: u.reasons, ...u.resource })),
    delete: plan.delete.map((d) => ({ name: d.key.name, version: d.version, reason: d.reason })),
    conflicts: plan.conflicts,
    skipped: plan.skipped,
    nextRunAt: plan.nextRunAt?.toISOString() ?? null,
  };
  return stringify(doc, { lineWidth: 0 });
}

const cases = readdirSync(TESTDATA, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const planOf = (name: string): GenerationPlan => generateMeshServices(loadCase(join(TESTDATA, name)));

describe('generateMeshServices golden cases', () => {
  for (const name of cases) {
    it(name, () => assertGolden(join(TESTDATA, name, 'plan.golden.yaml'), planYaml(planOf(name))));
  }
});

describe('generateMeshServices key facts', () => {
  it('an unnamed inbound gives a port named after its number', () => {
    const plan = planOf('single-dataplane');
    assert.deepEqual(plan.create.map((c) => [c.name, c.spec.ports]), [['backend', [{ name: '80', port: 80, targetPort: 80, appProtocol: 'tcp' }]]]);
    assert.deepEqual(plan.create[0]?.spec.selector, { dataplaneTags: { 'kuma.io/service': 'backend' } });
    assert.equal(plan.create[0]?.labels['kuma.io/managed-by'], 'meshservice-generator');
  });

  it('a port conflict leaves the spec alone and names the conflicting Dataplanes', () => {
    const plan = planOf('conflicting-dataplane-appears');
    assert.equal(plan.update.length, 1);
    assert.deepEqual(plan.update[0]?.reasons, ['port conflict condition changed']);
    assert.deepEqual(plan.update[0]?.resource.spec.ports, [{ name: '80', port: 80, targetPort: 80, appProtocol: 'tcp' }]);
    assert.deepEqual(plan.conflicts.map((c) => [c.service, c.dataplanes]), [['backend', ['dp-2']]]);
    const condition = plan.update[0]?.resource.status?.conditions?.find((c) => c.type === 'PortConflict');
    assert.equal(condition?.reason, 'PortsDiffer');
    assert.match(condition?.message ?? '', /^Dataplanes dp-2 expose ports \[80, 81\] but backend has \[80\]/);
    assert.deepEqual(plan.update[0]?.resource.status?.vips, [{ ip: '241.0.0.1' }], 'VIPs survive');
  });

  it('when every Dataplane changes, the ports follow and state, identities and status are kept', () => {
    const plan = planOf('all-dataplanes-change');
    const u = plan.update[0]?.resource;
    assert.deepEqual(u?.spec.ports, [{ name: '81', port: 81, targetPort: 81, appProtocol: 'tcp' }]);
    assert.equal(u?.spec.state, 'Available');
    assert.deepEqual(u?.status?.vips, [{ ip: '241.0.0.7' }]);
    assert.equal(u?.version, 5);
  });

  it('Disabled deletes only the local generated MeshServices, at once', () => {
    assert.deepEqual(planOf('mode-disabled').delete.map((d) => d.key.name).sort(), ['backend', 'in-grace']);
    assert.deepEqual(planOf('mode-disabled').create, []);
  });

  it('hand-made and synced MeshServices are never touched; a name clash is reported, not created', () => {
    for (const name of ['not-managed-by-generator', 'synced-from-another-zone']) {
      const plan = planOf(name);
      assert.deepEqual([plan.create, plan.update, plan.delete], [[], [], []], name);
    }
    assert.deepEqual(planOf('not-managed-by-generator').skipped.map((s) => [s.kind, s.service, s.dataplanes]), [['NotManagedByGenerator', 'web', ['web-1']]]);
  });

  it('values that are not RFC 1035 labels are skipped with a reason', () => {
    const plan = planOf('invalid-service-names');
    assert.deepEqual(plan.create.map((c) => c.name), ['valid']);
    assert.deepEqual(plan.skipped.map((s) => s.service).sort(), ['00-backend-svc', 'a'.repeat(64), 'backend.svc', 'backend_svc', 'Backend'].sort());
    assert.ok(plan.skipped.every((s) => s.kind === 'InvalidServiceName' && s.reason.startsWith(`couldn't generate MeshService from kuma.io/service "${s.service}", contains invalid characters`)));
  });

  it('grace period: the label is set first, the delete comes only once start+grace has passed', () => {
    const started = planOf('all-dataplanes-disappear');
    assert.equal(started.update[0]?.resource.labels['kuma.io/deletion-grace-period-started-at'], '2026-01-01T02:00:00.000Z');
    assert.equal(started.nextRunAt?.toISOString(), '2026-01-01T03:00:00.001Z');
    const input = loadCase(join(TESTDATA, 'grace-period-pending'));
    assert.deepEqual(generateMeshServices({ ...input, now: new Date('2026-01-01T01:00:00.000Z') }).delete, []);
    assert.equal(generateMeshServices({ ...input, now: new Date('2026-01-01T01:00:00.001Z') }).delete.length, 1);
  });
});
