/** The rollback record: the first previous state wins, and rollback's order and refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource, ResourceKey } from '../core/resource.js';
import { markWritten, type MigrationRecordSpec, remember, rollbackPlan } from './record.js';

const EMPTY: MigrationRecordSpec = { previousMode: 'Everywhere', target: 'Exclusive', startedAt: '2026-01-01T00:00:00.000Z', applied: [], resources: [] };

function resource(type: string, name: string, version: number, spec: unknown, labels: Record<string, string> = {}): Resource {
  return { type, mesh: type === 'Mesh' ? '' : 'default', name, labels, spec, version, creationTime: 't0', modificationTime: 't1' };
}

const key = (r: Resource): ResourceKey => ({ type: r.type, mesh: r.mesh, name: r.name });

describe('migration record', () => {
  const mesh = resource('Mesh', 'default', 3, { meshServices: { mode: 'Everywhere' } });
  const route = resource('MeshHTTPRoute', 'r', 1, { to: [{ targetRef: { kind: 'MeshService', name: 'backend' } }] }, { team: 'a' });
  const mmzsKey: ResourceKey = { type: 'MeshMultiZoneService', mesh: 'default', name: 'frontend' };

  it('keeps the state before the first apply, whatever later applies remember', () => {
    let spec = remember(EMPTY, key(mesh), mesh);
    spec = remember(spec, key(mesh), { ...mesh, spec: { meshServices: { mode: 'Exclusive' } }, version: 4 });
    assert.deepEqual(spec.resources, [{ type: 'Mesh', mesh: '', name: 'default', previous: { labels: {}, spec: { meshServices: { mode: 'Everywhere' } } } }]);
  });

  it('remembers a resource apply creates without a previous state', () => {
    const spec = remember(EMPTY, mmzsKey, undefined);
    assert.deepEqual(spec.resources, [{ type: 'MeshMultiZoneService', mesh: 'default', name: 'frontend' }]);
  });

  const writtenMesh = { ...mesh, version: 4, spec: { meshServices: { mode: 'Exclusive' } } };
  const writtenRoute = { ...route, version: 2, spec: { rewritten: true } };
  const writtenMmzs = resource('MeshMultiZoneService', 'frontend', 1, { ports: [] });

  function appliedRecord(): MigrationRecordSpec {
    let spec = EMPTY;
    for (const [k, r] of [[key(route), route], [mmzsKey, undefined], [key(mesh), mesh]] as const) spec = remember(spec, k, r);
    spec = markWritten(spec, writtenMmzs, 'create');
    spec = markWritten(spec, writtenRoute, 'rewrite');
    return markWritten(spec, writtenMesh, 'switch');
  }

  it('rolls back the Mesh first, then the rest in reverse order: restore, delete; a status write since is no change', () => {
    const now = new Map<string, Resource>([
      ['Mesh', writtenMesh],
      ['MeshHTTPRoute', { ...writtenRoute, version: 5, status: { conditions: [] } }],
      ['MeshMultiZoneService', writtenMmzs],
    ]);
    const plan = rollbackPlan(appliedRecord(), (k) => now.get(k.type));
    assert.deepEqual(plan.changedSince, []);
    assert.deepEqual(plan.actions, [
      { action: 'restore', key: key(mesh), labels: {}, spec: { meshServices: { mode: 'Everywhere' } }, version: 4 },
      { action: 'delete', key: mmzsKey, version: 1 },
      { action: 'restore', key: key(route), labels: { team: 'a' }, spec: route.spec, version: 5 },
    ]);
  });

  it('names resources changed after apply wrote them, recreates deleted ones, and leaves unwritten ones alone', () => {
    const spec = remember(appliedRecord(), { type: 'MeshTimeout', mesh: 'default', name: 'never-written' }, resource('MeshTimeout', 'never-written', 1, {}));
    const now = new Map<string, Resource>([
      ['Mesh', { ...writtenMesh, version: 7, labels: { edited: 'yes' } }],
      ['MeshMultiZoneService', writtenMmzs],
    ]);
    const plan = rollbackPlan(spec, (k) => now.get(k.type));
    assert.deepEqual(plan.changedSince, ['Mesh default: labels changed since migrate apply wrote it', 'MeshHTTPRoute r: deleted']);
    assert.deepEqual(
      plan.actions.map((a) => [a.action, a.key.name]),
      [
        ['restore', 'default'],
        ['delete', 'frontend'],
        ['recreate', 'r'],
      ],
    );
  });
});
