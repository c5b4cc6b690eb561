/**
 * The resource manager's reference check, run on every write of a route or policy after
 * admission and before the store: references that resolve to nothing come back as warnings in the
 * PUT answer (the write succeeds: the destination may appear later, and until then the traffic
 * fails closed). One case is refused with 400: a port (sectionName or port) that the destination
 * named by name does not have. That destination exists, so the port is a typo, not a wait (the
 * issue's "Bad input"); labels may match services that come later and only warn.
 */
import type { NewResource } from '../core/resource.js';
import type { Violation } from '../core/violations.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import type { Resource } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';
import { DestinationCatalog } from './destination-catalog.js';
import { POLICY_KINDS } from './policy-index.js';
import { referenceReport } from './reference-report.js';

export interface ReferenceCheckResult {
  readonly violations: readonly Violation[];
  readonly warnings: readonly string[];
}

export type ReferenceCheck = (resource: NewResource) => Promise<ReferenceCheckResult>;

const NOTHING: ReferenceCheckResult = { violations: [], warnings: [] };

/** A check reading the mesh's destinations and Dataplanes from `store` at the time of the write. */
export function referenceChecker(store: ResourceStore): ReferenceCheck {
  return async (resource) => {
    if (!(POLICY_KINDS as readonly string[]).includes(resource.type)) return NOTHING;
    const [services, multiZone, dataplanes] = await Promise.all(
      ['MeshService', 'MeshMultiZoneService', 'Dataplane'].map(async (type) => (await store.list({ type, mesh: resource.mesh })).items),
    );
    const catalog = new DestinationCatalog(services ?? [], multiZone ?? []);
    return checkReferences(resource, catalog, (dataplanes ?? []) as Resource<DataplaneSpec>[]);
  };
}

export function checkReferences(resource: NewResource, catalog: DestinationCatalog, dataplanes: readonly Resource<DataplaneSpec>[]): ReferenceCheckResult {
  const report = referenceReport(resource, catalog, dataplanes);
  const violations: Violation[] = [];
  const warnings: string[] = [];
  for (const p of report.problems) {
    if (p.code === 'no-port' && p.byName && p.portField !== undefined) violations.push({ field: p.portField, message: p.message });
    else warnings.push(`${p.field}: ${p.message}; ${consequence(p.field)}`);
  }
  for (const r of report.remarks) warnings.push(`${r.field}: ${r.message}`);
  if (((resource.spec ?? {}) as { from?: readonly unknown[] }).from?.length) {
    warnings.push('spec.from: Meshplane does not apply inbound (from) policies yet; only spec.to takes effect');
  }
  return { violations, warnings };
}

function consequence(field: string): string {
  if (field.includes('requestMirror')) return 'until it resolves, nothing is mirrored';
  if (field.includes('backendRef')) return 'until it resolves, the traffic it would get fails (503 / UNAVAILABLE) instead of going elsewhere';
  if (field === 'spec.targetRef') return 'until something matches, this resource does nothing';
  return 'until it resolves, this entry applies to nothing';
}
