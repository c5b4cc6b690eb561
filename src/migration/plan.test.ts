/**
 * The planner on fixtures built through real admission and the real sync rules (fixture-inputs.ts):
 * each case's JSON and table output are goldens, and the facts the issue asks for are asserted
 * here with the expected values written out, so a golden accepted by mistake still fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGolden, sourcePath } from '../../test/support/golden.js';
import { renderPlan } from '../cli/printers/migration-plan.js';
import { inputsFromFixture } from './fixture-inputs.js';
import { planMigration } from './plan.js';
import type { MigrationPlan, MigrationTarget } from './types.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function planOf(fixture: string, to: MigrationTarget): MigrationPlan {
  const plan = planMigration(inputsFromFixture(sourcePath(import.meta.url, 'testdata', fixture), 'default', NOW), to);
  const base = sourcePath(import.meta.url, 'testdata', fixture, `${to.toLowerCase()}.plan`);
  assertGolden(`${base}.golden.json`, `${JSON.stringify(plan, null, 2)}\n`);
  assertGolden(`${base}.golden.txt`, renderPlan(plan));
  return plan;
}

describe('migration plan: two zones, mode Everywhere, to Exclusive (the issue example)', () => {
  const plan = planOf('two-zones-everywhere', 'Exclusive');

  it('recommends a MeshMultiZoneService for frontend (both zones) and the MeshService for backend (east only)', () => {
    const rec = Object.fromEntries(plan.services.map((s) => [s.service, s.recommendation]));
    assert.equal(rec.backend?.kind, 'MeshService');
    assert.equal(rec.frontend?.kind, 'MeshMultiZoneService');
    assert.equal(rec.frontend?.name, 'frontend');
    assert.equal(rec.frontend?.exists, false);
    assert.deepEqual(plan.services.find((s) => s.service === 'frontend')?.zones, ['east', 'west']);
  });

  it('lists the route and the timeout with labels-based rewrites (they were created on global)', () => {
    assert.deepEqual(
      plan.references.map((r) => [r.resource, r.field, r.applicable]),
      [
        ['MeshHTTPRoute/route-to-backend', 'spec.to[0].targetRef', true],
        ['MeshHTTPRoute/route-to-backend', 'spec.to[0].rules[0].default.backendRefs[0]', true],
        ['MeshTimeout/backend-timeout', 'spec.to[0].targetRef', true],
      ],
    );
    const labels = { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east' };
    assert.deepEqual(plan.references[1]?.rewrite, { kind: 'MeshService', labels, port: 8080, weight: 100 });
    assert.deepEqual(plan.references[2]?.rewrite, { kind: 'MeshService', labels });
    assert.match(plan.references[2]?.today ?? '', /^nothing: /);
    assert.equal(plan.references[2]?.after, 'MeshService backend of zone east');
  });

  it('shows per-proxy gains and losses: every proxy gains the MMZS and loses its kuma.io/service destinations to replacements', () => {
    const west = plan.proxies.find((p) => p.name === 'frontend-west-1');
    assert.deepEqual(west?.gained.map((d) => [d.kind, d.name, d.reaches]), [['MeshMultiZoneService', 'frontend', ['frontend@east', 'frontend@west']]]);
    assert.deepEqual(west?.lost.map((d) => [d.key, d.coverage, d.replacedBy.map((r) => r.kind)]), [['legacy:frontend', 'replaced', ['MeshMultiZoneService']]]);
    const east = plan.proxies.find((p) => p.name === 'backend-1');
    assert.deepEqual(east?.lost.map((d) => d.key), ['legacy:backend', 'legacy:frontend']);
    assert.deepEqual([east?.before.LDS, east?.after.LDS], [6, 5]);
  });

  it('is not safe (clients of backend.mesh and frontend.mesh must move) and applies in order: MMZS, references, mode', () => {
    assert.equal(plan.verdict.level, 'renames');
    assert.equal(plan.verdict.safe, false);
    assert.deepEqual(plan.verdict.blockers, []);
    assert.deepEqual(
      plan.steps.map((s) => [s.phase, s.action, `${s.type}/${s.name}`]),
      [
        ['multizone', 'create', 'MeshMultiZoneService/frontend'],
        ['references', 'update', 'MeshHTTPRoute/route-to-backend'],
        ['references', 'update', 'MeshTimeout/backend-timeout'],
        ['switch', 'set-mode', 'Mesh/default'],
      ],
    );
    assert.deepEqual(plan.steps[0]?.spec, { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'frontend' } } }, ports: [{ port: 9090, appProtocol: 'grpc' }] });
    assert.deepEqual(plan.stepLosses, []);
  });
});

describe('migration plan: to ReachableBackends, where no proxy lists reachableBackends', () => {
  const plan = planOf('two-zones-everywhere', 'ReachableBackends');

  it('is unsafe: the proxies lose every MeshService; frontend.mesh still reaches both zones, nothing reaches backend from west', () => {
    assert.equal(plan.verdict.level, 'unsafe');
    const west = plan.proxies.find((p) => p.name === 'frontend-west-1');
    assert.deepEqual(
      west?.lost.map((d) => [d.name, d.zone, d.coverage]),
      [
        ['backend', 'east', 'none'],
        ['frontend', 'west', 'replaced'],
        ['frontend', 'east', 'replaced'],
      ],
    );
    assert.ok(plan.verdict.blockers.some((b) => b.includes('west/frontend-west-1: MeshService backend (zone east)')), plan.verdict.blockers.join('\n'));
  });
});

describe('migration plan: two zones still Disabled', () => {
  const plan = planOf('two-zones-disabled', 'Exclusive');

  it('enables MeshServices first (Everywhere), and names the MeshServices the zones will generate', () => {
    assert.deepEqual(plan.steps.map((s) => s.phase), ['enable', 'multizone', 'references', 'references', 'switch']);
    assert.deepEqual(plan.steps[0]?.spec, { meshServices: { mode: 'Everywhere' } });
    const backend = plan.services.find((s) => s.service === 'backend');
    assert.deepEqual(backend?.meshServices.map((m) => [m.zone, m.name, m.state]), [['east', 'backend', 'generated']]);
    assert.deepEqual(plan.stepLosses, []);
  });
});

describe('migration plan: a standalone zone', () => {
  const plan = planOf('standalone-zone', 'Exclusive');

  it('rewrites a port-less backendRef and a compatibility name by name (the references live in the zone)', () => {
    assert.equal(plan.site, 'zone zone-1 (standalone)');
    assert.deepEqual(
      plan.references.map((r) => [r.resource, r.field, r.rewrite]),
      [
        ['MeshHTTPRoute/backend-canary', 'spec.to[0].rules[0].default.backendRefs[0]', { kind: 'MeshService', name: 'backend', port: 8080, weight: 1 }],
        ['MeshTimeout/backend-timeout', 'spec.to[0].targetRef', { kind: 'MeshService', name: 'backend', sectionName: '8080' }],
      ],
    );
    assert.deepEqual(plan.steps.map((s) => s.phase), ['references', 'references', 'switch']);
  });
});

describe('migration plan: what stops an automatic migration', () => {
  const plan = planOf('two-zones-problems', 'Exclusive');

  it('reports the port conflict between zones, the multi-port backendRef, a taken MMZS name, the split it leaves, and the name that cannot be a MeshService', () => {
    const api = plan.services.find((s) => s.service === 'api');
    assert.match(api?.portConflicts.join() ?? '', /ports differ between zones \(east: \[8080\/http\]; west: \[9090\/http\]\)/);
    const byField = plan.references.map((r) => [r.resource.split('-xzc')[0], r.field, r.applicable]);
    assert.deepEqual(byField, [
      ['MeshTCPRoute/to-db', 'spec.to[0].targetRef', true],
      ['MeshTCPRoute/to-db', 'spec.to[0].rules[0].default.backendRefs[0]', false],
      ['MeshTimeout/east-api-timeout', 'spec.to[0].targetRef', false],
    ]);
    assert.match(plan.references[1]?.problem ?? '', /has 2 ports \(5432, 5433\)/);
    assert.match(plan.references[2]?.problem ?? '', /the MeshMultiZoneService api this should name is not ready: a MeshMultiZoneService named api exists/);
    assert.match(plan.services.find((s) => s.service === 'Legacy_Svc')?.problems.join() ?? '', /DNS-1035/);
    assert.equal(plan.verdict.level, 'unsafe');
    const blockers = plan.verdict.blockers.join('\n');
    assert.match(blockers, /^kuma\.io\/service api: a MeshMultiZoneService named api exists and selects \{"team":"payments"\}/m);
    assert.match(blockers, /west\/api-2: kuma\.io\/service api \[api\.mesh:80\] \(split by MeshService api \(zone west\)/);
    assert.match(blockers, /west\/legacy-1: kuma\.io\/service Legacy_Svc \[Legacy_Svc\.mesh:80\] \(none\)/);
    assert.equal(plan.steps.some((s) => s.type === 'MeshMultiZoneService'), false, 'the taken name is not created over');
  });
});
