/**
 * The migration endpoints on a real API server (127.0.0.1, port 0) over a real store: a global
 * control plane's store as the sync would have filled it (src/migration/fixture-inputs.ts), then
 * plan, dry run, apply, the record, rollback, and every refusal. "Exported" resources are the REST
 * answers for the kinds migrate touches; the clock is fixed, so a byte-for-byte equal answer after
 * rollback means the same labels, spec and times.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inputsFromFixture } from '../../src/migration/fixture-inputs.js';
import type { MigrationPlan } from '../../src/migration/types.js';
import { type Harness, startHarness } from '../api/api-harness.js';
import { sourcePath } from '../support/golden.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const FIXTURES = sourcePath(import.meta.url, '..', '..', 'src', 'migration', 'testdata');

async function loadFixture(h: Harness, fixture: string): Promise<void> {
  for (const r of inputsFromFixture(`${FIXTURES}/${fixture}`, 'default', NOW).resources) {
    await h.store.create({ type: r.type, mesh: r.mesh, name: r.name, labels: r.labels, spec: r.spec, ...(r.status === undefined ? {} : { status: r.status }) });
  }
}

/** What `meshplane get` shows of the kinds a migration changes, as one string. */
async function exported(h: Harness): Promise<string> {
  const paths = ['/meshes/default', '/meshes/default/meshmultizoneservices', '/meshes/default/meshhttproutes', '/meshes/default/meshtcproutes', '/meshes/default/meshtimeouts'];
  const answers = await Promise.all(paths.map((p) => h.request('GET', p)));
  return answers.map((a) => a.text).join('\n');
}

const post = (h: Harness, what: 'apply' | 'rollback', body: unknown) => h.request('POST', `/meshes/default/_migration/${what}`, body);

describe('migration REST API on a global control plane', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ mode: 'global', defaultMesh: false });
    await loadFixture(h, 'two-zones-everywhere');
  });
  after(() => h.close());

  it('GET plan answers the plan (default target Exclusive); bad targets and unknown meshes are refused', async () => {
    const answer = await h.request('GET', '/meshes/default/_migration/plan');
    assert.equal(answer.status, 200);
    const plan = answer.json as MigrationPlan;
    assert.deepEqual([plan.from, plan.to, plan.verdict.level, plan.steps.length], ['Everywhere', 'Exclusive', 'renames', 4]);
    const bad = await h.request('GET', '/meshes/default/_migration/plan?to=Disabled');
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.json as { invalid_parameters: unknown }).invalid_parameters, [
      { field: 'to', reason: 'must be one of: Everywhere, ReachableBackends, Exclusive (got "Disabled")' },
    ]);
    assert.equal((await h.request('GET', '/meshes/nope/_migration/plan')).status, 404);
  });

  it('a dry run lists the steps and writes nothing; rollback without a record is 404', async () => {
    const before = await exported(h);
    const answer = await post(h, 'apply', { to: 'Exclusive', dryRun: true });
    assert.equal(answer.status, 200);
    assert.deepEqual((answer.json as { steps: { result: string }[] }).steps.map((s) => s.result), ['planned', 'planned', 'planned', 'planned']);
    assert.equal(await exported(h), before);
    assert.equal((await h.request('GET', '/meshes/default/_migration/record')).status, 404);
    assert.equal((await post(h, 'rollback', {})).status, 404);
  });

  it('apply writes the MMZS, the references and the mode; a new plan is safe; rollback restores the exported resources byte for byte', async () => {
    const before = await exported(h);
    const applied = await post(h, 'apply', { to: 'Exclusive', timeoutSeconds: 0 });
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual((applied.json as { steps: { result: string }[] }).steps.map((s) => s.result), ['created', 'updated', 'updated', 'updated']);
    const mesh = (await h.request('GET', '/meshes/default')).json as { meshServices: unknown };
    assert.deepEqual(mesh.meshServices, { mode: 'Exclusive' });
    const mmzs = (await h.request('GET', '/meshes/default/meshmultizoneservices/frontend')).json as { spec: unknown };
    assert.deepEqual(mmzs.spec, { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'frontend' } } }, ports: [{ port: 9090, appProtocol: 'grpc' }] });
    const timeout = (await h.request('GET', '/meshes/default/meshtimeouts/backend-timeout')).json as { spec: { to: { targetRef: unknown }[] } };
    assert.deepEqual(timeout.spec.to[0]?.targetRef, { kind: 'MeshService', labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east' } });

    const record = (await h.request('GET', '/meshes/default/_migration/record')).json as { previousMode: string; resources: { type: string }[]; applied: string[] };
    assert.equal(record.previousMode, 'Everywhere');
    assert.deepEqual(record.resources.map((r) => r.type), ['MeshMultiZoneService', 'MeshHTTPRoute', 'MeshTimeout', 'Mesh']);
    assert.equal(record.applied.length, 4);

    const again = (await h.request('GET', '/meshes/default/_migration/plan')).json as MigrationPlan;
    assert.deepEqual([again.verdict.level, again.steps.length, again.references.length], ['safe', 0, 0]);

    const rolled = await post(h, 'rollback', {});
    assert.equal(rolled.status, 200, rolled.text);
    assert.deepEqual((rolled.json as { actions: { action: string; type: string }[] }).actions.map((a) => `${a.action} ${a.type}`), [
      'restore Mesh',
      'restore MeshTimeout',
      'restore MeshHTTPRoute',
      'delete MeshMultiZoneService',
    ]);
    assert.equal(await exported(h), before);
    assert.equal((await h.request('GET', '/meshes/default/_migration/record')).status, 404);
  });

  it('rollback refuses a resource changed after apply wrote it, unless forced', async () => {
    assert.equal((await post(h, 'apply', { to: 'Exclusive', timeoutSeconds: 0 })).status, 200);
    const route = (await h.request('GET', '/meshes/default/meshhttproutes/route-to-backend')).json as Record<string, unknown>;
    assert.equal((await h.request('PUT', '/meshes/default/meshhttproutes/route-to-backend', { ...route, labels: { team: 'edited' } })).status, 200);
    const refused = await post(h, 'rollback', {});
    assert.equal(refused.status, 400);
    assert.match(refused.text, /MeshHTTPRoute route-to-backend: labels changed since migrate apply wrote it/);
    assert.equal((await post(h, 'rollback', { force: true })).status, 200);
  });
});

describe('migration REST API: refusals and waiting for the zones', () => {
  it('apply refuses a plan with blockers (listing them), and --force applies what it can', async () => {
    const h = await startHarness({ mode: 'global', defaultMesh: false });
    try {
      await loadFixture(h, 'two-zones-problems');
      const refused = await post(h, 'apply', { to: 'Exclusive' });
      assert.equal(refused.status, 400);
      const params = (refused.json as { invalid_parameters: { field: string; reason: string }[] }).invalid_parameters;
      assert.deepEqual(params.slice(0, 2).map((p) => p.field), ['blockers[0]', 'blockers[1]']);
      assert.match(params[0]?.reason ?? '', /has 2 ports \(5432, 5433\)/);
      assert.ok(params.some((p) => /Legacy_Svc \[Legacy_Svc\.mesh:80\] \(none\)/.test(p.reason)), refused.text);
      assert.equal((await h.request('GET', '/meshes/default/_migration/record')).status, 404);
      // The enable step waits for the MeshServices the zones generate; no zone runs here.
      const forced = await post(h, 'apply', { to: 'Exclusive', force: true, timeoutSeconds: 0.3 });
      assert.equal(forced.status, 400);
      assert.match(forced.text, /migrate apply stopped before its next step/);
      assert.match(forced.text, /still missing: MeshService\/default\/api-/);
      const record = (await h.request('GET', '/meshes/default/_migration/record')).json as { applied: string[] };
      assert.equal(record.applied.length, 1);
      assert.equal((await post(h, 'rollback', {})).status, 200);
      assert.deepEqual(((await h.request('GET', '/meshes/default')).json as Record<string, unknown>).meshServices, undefined);
    } finally {
      await h.close();
    }
  });

  it('after enabling MeshServices, apply waits until the zones have generated (and synced up) the ones the plan expects', async () => {
    const h = await startHarness({ mode: 'global', defaultMesh: false });
    try {
      await loadFixture(h, 'two-zones-disabled');
      const plan = (await h.request('GET', '/meshes/default/_migration/plan')).json as MigrationPlan;
      const expected = plan.services.flatMap((s) => s.meshServices.map((m) => m.siteName ?? m.name)).sort();
      assert.equal(expected.length, 3);
      const created: string[] = [];
      // Stands in for the zones: once the Mesh says Everywhere, their MeshServices arrive one by one.
      const stop = h.store.watch((e) => {
        const mode = (e.resource.spec as { meshServices?: { mode?: string } }).meshServices?.mode;
        if (e.resource.type !== 'Mesh' || mode !== 'Everywhere' || created.length > 0) return;
        for (const name of expected) {
          created.push(name);
          void h.store.create({ type: 'MeshService', mesh: 'default', name, labels: { 'kuma.io/origin': 'zone' }, spec: { state: 'Available', ports: [] } });
        }
      });
      const applied = await post(h, 'apply', { to: 'Exclusive', timeoutSeconds: 10 });
      stop();
      assert.equal(applied.status, 200, applied.text);
      assert.deepEqual(created, expected);
      assert.deepEqual((applied.json as { steps: { summary: string }[] }).steps.map((s) => s.summary.split(':')[0]), [
        'set meshServices.mode to Everywhere',
        'create MeshMultiZoneService frontend',
        'rewrite the references of MeshHTTPRoute route-to-backend',
        'rewrite the references of MeshTimeout backend-timeout',
        'set meshServices.mode to Exclusive',
      ]);
    } finally {
      await h.close();
    }
  });

  it('a zone that syncs with a global answers 405; a standalone zone plans for itself', async () => {
    const federated = await startHarness({ mode: 'zone', zone: 'east', config: { globalKdsAddress: 'grpc://127.0.0.1:1' } });
    try {
      const answer = await federated.request('GET', '/meshes/default/_migration/plan');
      assert.equal(answer.status, 405);
      assert.match(answer.text, /run 'meshplane migrate' against the global control plane/);
    } finally {
      await federated.close();
    }
    const standalone = await startHarness({ mode: 'zone', zone: 'zone-1', defaultMesh: false, config: { globalKdsAddress: null } });
    try {
      await loadFixture(standalone, 'standalone-zone');
      const plan = (await standalone.request('GET', '/meshes/default/_migration/plan?to=Exclusive')).json as MigrationPlan;
      assert.deepEqual([plan.site, plan.references.length, plan.verdict.level], ['zone zone-1 (standalone)', 2, 'renames']);
    } finally {
      await standalone.close();
    }
  });
});
