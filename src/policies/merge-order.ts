/**
 * Kuma's merge order of `to` entries (traffic doc 4.5): entries are stable-sorted, and merged in
 * that order, so later (more specific) ones win:
 * 1. the policy's top-level targetRef kind: Mesh < Dataplane < MeshSubset < MeshGateway <
 *    MeshService < MeshExternalService < MeshMultiZoneService < MeshServiceSubset < MeshHTTPRoute;
 * 2. for a top-level Dataplane ref: labels < name, without < with sectionName;
 * 3. origin: global < unknown < zone;
 * 4. role (`kuma.io/policy-role`): system < producer < consumer < workload-owner;
 * 5. the `to` entry's own kind, in the order of 1;
 * 6. for MeshService entries: without < with sectionName;
 * 7. display name, reversed: of two otherwise equal entries the alphabetically earlier name wins.
 */
import { displayName } from '../core/kri.js';
import type { Labels } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';
import { TARGET_REF_KINDS, type TargetRef } from '../resources/shared/target-ref.js';

export interface MergeOrderKey {
  readonly topKind: number;
  readonly topSpecificity: number;
  readonly origin: number;
  readonly role: number;
  readonly toKind: number;
  readonly toSection: number;
  readonly name: string;
}

const ORIGINS: Readonly<Record<string, number>> = { global: 0, zone: 2 };
const ROLES: Readonly<Record<string, number>> = { system: 0, producer: 1, consumer: 2, 'workload-owner': 3 };

function kindRank(kind: string | undefined): number {
  const i = (TARGET_REF_KINDS as readonly string[]).indexOf(kind ?? 'Mesh');
  return i < 0 ? TARGET_REF_KINDS.length : i;
}

export function mergeOrderKey(policy: { readonly name: string; readonly labels: Labels }, topLevel: TargetRef | undefined, to: TargetRef | undefined): MergeOrderKey {
  const dataplane = topLevel?.kind === 'Dataplane';
  const topSpecificity = dataplane ? (topLevel.name ? 2 : 0) + (topLevel.sectionName ? 1 : 0) : 0;
  return {
    topKind: kindRank(topLevel?.kind),
    topSpecificity,
    origin: ORIGINS[policy.labels[LABEL.origin] ?? ''] ?? 1,
    role: ROLES[policy.labels[LABEL.policyRole] ?? 'system'] ?? 0,
    toKind: kindRank(to?.kind),
    toSection: to?.kind === 'MeshService' && to.sectionName ? 1 : 0,
    name: displayName(policy),
  };
}

/** Negative when `a` merges before `b` (so `b` wins where both set a field). */
export function compareMergeOrder(a: MergeOrderKey, b: MergeOrderKey): number {
  return (
    a.topKind - b.topKind ||
    a.topSpecificity - b.topSpecificity ||
    a.origin - b.origin ||
    a.role - b.role ||
    a.toKind - b.toKind ||
    a.toSection - b.toSection ||
    (a.name === b.name ? 0 : a.name > b.name ? -1 : 1)
  );
}
