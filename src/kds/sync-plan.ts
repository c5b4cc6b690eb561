/**
 * What the receiving side of a sync writes: pure plans over (what arrived, what is stored).
 * Every plan compares before it writes, so a full sync that brings nothing new writes nothing
 * (reconnects and global restarts cause no store churn, anchors 3.2 #2 and #3), and a zone keeps
 * the status it computed itself for a synced copy (VIPs and hostnames do not flap, kuma#13592).
 */
import { isDeepStrictEqual } from 'node:util';
import type { ControlPlaneMode } from '../core/admission.js';
import { findKindByName, KINDS } from '../core/registry.js';
import { describeKey, keyOf, keyString, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';
import type { UpdateRequest } from '../store/store.js';

/** How one receiving side treats what it already holds. */
export interface ReceiverRules {
  readonly side: ControlPlaneMode;
  /** A stored resource this stream manages: it may be updated, and deleted when the sender drops it. */
  owns(existing: Resource): boolean;
  /** A stored resource this stream does not manage but may take over (overwrite). */
  mayAdopt(existing: Resource): boolean;
  /** Keep the receiver's own status (zones) instead of storing the sender's (global). */
  readonly keepStatus: boolean;
}

export type Step =
  | { readonly op: 'create'; readonly resource: NewResource }
  | { readonly op: 'update'; readonly resource: UpdateRequest }
  | { readonly op: 'delete'; readonly key: ResourceKey; readonly version: number }
  | { readonly op: 'refuse'; readonly key: ResourceKey; readonly reason: string };

/** Global receiving zone `zone`'s resources: it manages exactly what is labelled with that zone. */
export function globalReceiverRules(zone: string): ReceiverRules {
  return {
    side: 'global',
    owns: (r) => r.labels[LABEL.origin] === 'zone' && r.labels[LABEL.zone] === zone,
    mayAdopt: () => false,
    keepStatus: false,
  };
}

/**
 * A zone receiving from global: it manages what is labelled `kuma.io/origin: global`. A local
 * resource with the same name is never overwritten when the zone could have created it itself
 * (kinds that also flow zone -> global); for kinds only global provides (Mesh, MMZS) global's
 * copy takes over the local one, e.g. the `default` Mesh a zone made before it joined.
 */
export function zoneReceiverRules(): ReceiverRules {
  return {
    side: 'zone',
    owns: (r) => r.labels[LABEL.origin] === 'global',
    mayAdopt: (r) => findKindByName(r.type)?.sync.zoneToGlobal === false,
    keepStatus: true,
  };
}

/** The step that makes the stored resource match what arrived, or undefined when it already does. */
export function planUpsert(incoming: NewResource, existing: Resource | undefined, rules: ReceiverRules): Step | undefined {
  if (!existing) return { op: 'create', resource: stripStatus(incoming, rules) };
  if (!rules.owns(existing) && !rules.mayAdopt(existing)) {
    return {
      op: 'refuse',
      key: keyOf(incoming),
      reason: `${describeKey(incoming)} already exists here with ${LABEL.origin}: ${existing.labels[LABEL.origin] ?? '(none)'}; the synced copy is not written over it`,
    };
  }
  if (matches(incoming, existing, rules)) return undefined;
  const status = rules.keepStatus ? existing.status : incoming.status;
  const { status: _ignored, ...rest } = incoming;
  return { op: 'update', resource: { ...rest, ...(status !== undefined ? { status } : {}), version: existing.version } };
}

/** The delete a sender's delete turns into: only of a resource this stream manages. */
export function planDelete(key: ResourceKey, existing: Resource | undefined, rules: ReceiverRules): Step | undefined {
  if (!existing || !rules.owns(existing)) return undefined;
  return { op: 'delete', key: keyOf(key), version: existing.version };
}

/**
 * A full sync: `incoming` is everything the sender has of `types`; `current` is what the receiver
 * stores of those types. Creates and updates come first in registry order (a Mesh before what
 * lives in it), deletes last in reverse order.
 */
export function planFullSync(incoming: readonly NewResource[], current: readonly Resource[], rules: ReceiverRules): Step[] {
  const stored = new Map(current.map((r) => [keyString(r), r]));
  const arriving = new Set(incoming.map((r) => keyString(r)));
  const steps: Step[] = [];
  for (const r of [...incoming].sort(byKindOrder)) {
    const step = planUpsert(r, stored.get(keyString(r)), rules);
    if (step) steps.push(step);
  }
  const gone = current.filter((r) => rules.owns(r) && !arriving.has(keyString(r))).sort(byKindOrder).reverse();
  for (const r of gone) steps.push({ op: 'delete', key: keyOf(r), version: r.version });
  return steps;
}

function matches(incoming: NewResource, existing: Resource, rules: ReceiverRules): boolean {
  return (
    isDeepStrictEqual(existing.labels, incoming.labels) &&
    isDeepStrictEqual(existing.spec, incoming.spec) &&
    (rules.keepStatus || isDeepStrictEqual(existing.status, incoming.status))
  );
}

function stripStatus(r: NewResource, rules: ReceiverRules): NewResource {
  if (!rules.keepStatus || r.status === undefined) return r;
  const { status: _ignored, ...rest } = r;
  return rest;
}

const KIND_ORDER = new Map(KINDS.map((k, i) => [k.name, i]));

function byKindOrder(a: ResourceKey, b: ResourceKey): number {
  const d = (KIND_ORDER.get(a.type) ?? KINDS.length) - (KIND_ORDER.get(b.type) ?? KINDS.length);
  if (d !== 0) return d;
  return keyString(a) < keyString(b) ? -1 : keyString(a) > keyString(b) ? 1 : 0;
}
