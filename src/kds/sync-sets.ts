/**
 * The full set one side sends the other: every stored resource of the kinds that flow that way,
 * through the mapping (toGlobal for a zone, toZone for global). Refusals are collected with their
 * violations so the caller can report them; skips are simply not sent.
 */
import type { KindDescriptor } from '../core/descriptor.js';
import { describeKey, keyString, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
import type { Violation } from '../core/violations.js';
import type { ResourceStore } from '../store/store.js';
import type { SyncOutcome } from './sync-rules.js';

export interface Refusal {
  /** The resource as stored on the sending side. */
  readonly key: ResourceKey;
  readonly violations: readonly Violation[];
}

export interface OutgoingSet {
  /** Keyed by the sending side's key. */
  readonly resources: Map<string, NewResource>;
  readonly refused: Refusal[];
}

export async function listKinds(store: ResourceStore, kinds: readonly KindDescriptor[]): Promise<Resource[]> {
  const pages = await Promise.all(kinds.map((k) => store.list({ type: k.name })));
  return pages.flatMap((p) => p.items);
}

export function outgoingSet(resources: readonly Resource[], map: (r: Resource) => SyncOutcome): OutgoingSet {
  const out: OutgoingSet = { resources: new Map(), refused: [] };
  for (const r of resources) {
    const o = map(r);
    if (o.action === 'send') out.resources.set(keyString(r), o.resource);
    else if (o.action === 'refuse') out.refused.push({ key: { type: r.type, mesh: r.mesh, name: r.name }, violations: o.violations });
  }
  return out;
}

/** One line for a log or an error list: `MeshService 'a_b' in mesh 'default': name: ...; ...`. */
export function describeRefusal(r: Refusal): string {
  return `${describeKey(r.key)} is not synced: ${r.violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`;
}
