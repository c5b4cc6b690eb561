/**
 * Both ends of the sync as data: what each side sends (its outgoing set) and how each side takes
 * in what arrives (accept, then plan against the store, then write only what differs). The
 * gRPC sessions and the fixture test go through these same functions.
 */
import type { KindDescriptor } from '../core/descriptor.js';
import { keyOf, type NewResource } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';
import { deleteSynced, emptyReport, reconcileFull, upsertSynced, type WriteReport } from './store-writer.js';
import { globalReceiverRules, type ReceiverRules, zoneReceiverRules } from './sync-plan.js';
import {
  fromGlobal,
  fromZone,
  type GlobalSideOptions,
  kindsSentByGlobal,
  kindsSentByZone,
  SYNCED_KINDS,
  type SyncOutcome,
  toGlobal,
  toZone,
  type ZoneSideOptions,
} from './sync-rules.js';
import { listKinds, type OutgoingSet, outgoingSet } from './sync-sets.js';

/** One receiving end: the kinds it takes, how it checks each arrival, how it treats its store. */
export interface ReceiverSide {
  readonly kinds: readonly KindDescriptor[];
  readonly rules: ReceiverRules;
  accept(r: NewResource): SyncOutcome;
}

/** Global, receiving from zone `zone`. */
export function globalSideFor(zone: string): ReceiverSide {
  return { kinds: kindsSentByZone(SYNCED_KINDS), rules: globalReceiverRules(zone), accept: (r) => fromZone(r, zone) };
}

/** A zone, receiving from global. */
export function zoneSide(): ReceiverSide {
  return { kinds: kindsSentByGlobal(SYNCED_KINDS), rules: zoneReceiverRules(), accept: fromGlobal };
}

/** What a zone sends global in a full sync. */
export async function zoneOutgoing(store: ResourceStore, zone: string, options: ZoneSideOptions = {}): Promise<OutgoingSet> {
  return outgoingSet(await listKinds(store, kindsSentByZone(SYNCED_KINDS)), (r) => toGlobal(r, zone, options));
}

/** What global sends zone `zone` in a full sync. */
export async function globalOutgoing(store: ResourceStore, zone: string, options: GlobalSideOptions = {}): Promise<OutgoingSet> {
  return outgoingSet(await listKinds(store, kindsSentByGlobal(SYNCED_KINDS)), (r) => toZone(r, zone, options));
}

/**
 * A full sync arrived: the store ends up holding exactly it, for what this side manages, in the
 * kinds both this side takes and the sender said it covers (`senderTypes`; absent means all), so
 * a sender that does not know a kind never makes the receiver delete that kind's copies.
 */
export async function receiveFull(
  store: ResourceStore,
  side: ReceiverSide,
  incoming: readonly NewResource[],
  senderTypes?: readonly string[],
): Promise<WriteReport> {
  const accepted: NewResource[] = [];
  const refused: string[] = [];
  for (const r of incoming) {
    const o = side.accept(r);
    if (o.action === 'send') accepted.push(o.resource);
    else refused.push(refusalText(r, o));
  }
  const types = side.kinds.map((k) => k.name).filter((t) => senderTypes === undefined || senderTypes.includes(t));
  const report = await reconcileFull(
    store,
    types,
    accepted.filter((r) => types.includes(r.type)),
    side.rules,
  );
  report.refused.unshift(...refused);
  return report;
}

/** One created or changed resource arrived. */
export async function receiveUpsert(store: ResourceStore, side: ReceiverSide, incoming: NewResource): Promise<WriteReport> {
  const report = emptyReport();
  const o = side.accept(incoming);
  if (o.action === 'send') await upsertSynced(store, o.resource, side.rules, report);
  else report.refused.push(refusalText(incoming, o));
  return report;
}

/** One resource was deleted on the sending side (`incoming` is its last synced form). */
export async function receiveDelete(store: ResourceStore, side: ReceiverSide, incoming: NewResource): Promise<WriteReport> {
  const report = emptyReport();
  const o = side.accept(incoming);
  if (o.action === 'send') await deleteSynced(store, keyOf(o.resource), side.rules, report);
  else report.refused.push(refusalText(incoming, o));
  return report;
}

function refusalText(r: NewResource, o: Exclude<SyncOutcome, { action: 'send' }>): string {
  const what = `${r.type} '${r.name}'${r.mesh ? ` in mesh '${r.mesh}'` : ''}`;
  return o.action === 'skip' ? `${what}: ${o.reason}` : `${what}: ${o.violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`;
}
