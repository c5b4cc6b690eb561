/**
 * The rollback record: one internal `MigrationRecord` per mesh (mesh-scoped, named like the mesh;
 * not a REST kind, never synced), written by `migrate apply` before its first write and after each
 * one. For every resource apply touched it keeps the resource exactly as it was before the FIRST
 * apply (labels and spec; absent when apply created it), so that `migrate rollback` puts back the
 * previous resources and mode byte for byte, however many applies ran in between, and what apply
 * last wrote, so that rollback notices a user's later edit (a controller's status write is not one).
 * Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Labels, Resource, ResourceKey } from '../core/resource.js';
import { keyString } from '../core/resource.js';
import type { MeshServicesMode } from '../resources/mesh/types.js';

export const MIGRATION_RECORD_TYPE = 'MigrationRecord';

export interface RecordedResource {
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
  /** The resource before the first apply; absent when apply created it (rollback deletes it). */
  readonly previous?: { readonly labels: Labels; readonly spec: unknown };
  /** What apply's last write left (labels and spec); absent until apply has written it. */
  readonly written?: { readonly labels: Labels; readonly spec: unknown };
}

export interface MigrationRecordSpec {
  /** The mode before the first apply. */
  readonly previousMode: MeshServicesMode;
  /** The target of the latest apply. */
  readonly target: string;
  readonly startedAt: string;
  /** Every step applied so far, in order: `<time> <summary>`. */
  readonly applied: readonly string[];
  readonly resources: readonly RecordedResource[];
}

export function recordKey(mesh: string): ResourceKey {
  return { type: MIGRATION_RECORD_TYPE, mesh, name: mesh };
}

const same = (a: ResourceKey, b: ResourceKey): boolean => keyString(a) === keyString(b);

/** The record with `current` (the resource as it is before a write; undefined if absent) remembered, unless already. */
export function remember(spec: MigrationRecordSpec, key: ResourceKey, current: Resource | undefined): MigrationRecordSpec {
  if (spec.resources.some((r) => same(r, key))) return spec;
  const entry: RecordedResource = {
    type: key.type,
    mesh: key.mesh,
    name: key.name,
    ...(current === undefined ? {} : { previous: { labels: current.labels, spec: current.spec } }),
  };
  return { ...spec, resources: [...spec.resources, entry] };
}

export function markWritten(spec: MigrationRecordSpec, written: Resource, step: string): MigrationRecordSpec {
  return {
    ...spec,
    applied: [...spec.applied, step],
    resources: spec.resources.map((r) => (same(r, written) ? { ...r, written: { labels: written.labels, spec: written.spec } } : r)),
  };
}

function whatChanged(written: { readonly labels: Labels; readonly spec: unknown }, now: Resource): string {
  const parts = [isDeepStrictEqual(written.labels, now.labels) ? '' : 'labels', isDeepStrictEqual(written.spec, now.spec) ? '' : 'spec'].filter((p) => p !== '');
  return `${parts.join(' and ')} changed since migrate apply wrote it`;
}

export type RollbackAction =
  | { readonly action: 'restore'; readonly key: ResourceKey; readonly labels: Labels; readonly spec: unknown; readonly version?: number }
  | { readonly action: 'recreate'; readonly key: ResourceKey; readonly labels: Labels; readonly spec: unknown }
  | { readonly action: 'delete'; readonly key: ResourceKey; readonly version: number };

export interface RollbackPlan {
  readonly actions: readonly RollbackAction[];
  /** Resources whose labels or spec someone changed after apply wrote them (rollback refuses them unless forced). */
  readonly changedSince: readonly string[];
}

/**
 * What rollback writes, given the resources as they are now: the Mesh first (its mode back, while
 * the MeshMultiZoneServices and rewritten references still exist), then the rest in the reverse
 * order of apply; resources apply never wrote are left alone.
 */
export function rollbackPlan(spec: MigrationRecordSpec, current: (key: ResourceKey) => Resource | undefined): RollbackPlan {
  const written = spec.resources.filter((r) => r.written !== undefined);
  const ordered = [...written.filter((r) => r.type === 'Mesh'), ...written.filter((r) => r.type !== 'Mesh').reverse()];
  const actions: RollbackAction[] = [];
  const changedSince: string[] = [];
  for (const r of ordered) {
    const key = { type: r.type, mesh: r.mesh, name: r.name };
    const now = current(key);
    if (r.written !== undefined && now !== undefined && !isDeepStrictEqual({ labels: now.labels, spec: now.spec }, r.written)) changedSince.push(`${r.type} ${r.name}: ${whatChanged(r.written, now)}`);
    if (r.written !== undefined && now === undefined) changedSince.push(`${r.type} ${r.name}: deleted`);
    if (r.previous === undefined) {
      if (now !== undefined) actions.push({ action: 'delete', key, version: now.version });
    } else if (now === undefined) {
      actions.push({ action: 'recreate', key, labels: r.previous.labels, spec: r.previous.spec });
    } else {
      actions.push({ action: 'restore', key, labels: r.previous.labels, spec: r.previous.spec, version: now.version });
    }
  }
  return { actions, changedSince };
}
