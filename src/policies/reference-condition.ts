/**
 * The `ReferencesResolved` condition a route or policy carries in `status.conditions` (written by
 * the reference-status controller, readable over REST and in `meshplane get`): True when every
 * reference resolves, False with each unresolved field and why. A pick among several label
 * matches is said in the message either way.
 */
import type { Resource } from '../core/resource.js';
import type { ReferenceReport } from './reference-report.js';

export const REFERENCES_RESOLVED = 'ReferencesResolved';

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

export interface ConditionsStatus {
  readonly conditions?: readonly Condition[];
}

export function referenceCondition(report: ReferenceReport): Condition {
  const remarks = report.remarks.map((r) => `${r.field}: ${r.message}`);
  if (report.problems.length === 0) {
    return { type: REFERENCES_RESOLVED, status: 'True', reason: 'Resolved', message: ['every reference resolves', ...remarks].join('; ') };
  }
  const problems = report.problems.map((p) => `${p.field}: ${p.message}`);
  return { type: REFERENCES_RESOLVED, status: 'False', reason: 'UnresolvedReferences', message: [...problems, ...remarks].join('; ') };
}

export function currentReferenceCondition(r: Resource): Condition | undefined {
  return ((r.status ?? {}) as ConditionsStatus).conditions?.find((c) => c.type === REFERENCES_RESOLVED);
}

/** The `meshplane get` column: `resolved`, `unresolved`, or `-` before the controller ran. */
export function referencesColumn(r: Resource): string {
  const c = currentReferenceCondition(r);
  if (c === undefined) return '';
  return c.status === 'True' ? 'resolved' : 'unresolved';
}

/** `status` with the condition set (other conditions kept); undefined when it is already so. */
export function withReferenceCondition(r: Resource, condition: Condition): ConditionsStatus | undefined {
  const current = currentReferenceCondition(r);
  if (current && current.status === condition.status && current.reason === condition.reason && current.message === condition.message) return undefined;
  const status = (r.status ?? {}) as ConditionsStatus;
  const others = (status.conditions ?? []).filter((c) => c.type !== REFERENCES_RESOLVED);
  return { ...status, conditions: [...others, condition] };
}
