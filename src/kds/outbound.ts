/**
 * The sending half of a stream: one full sync, then one change per store write, watch-driven.
 * It remembers what it last sent for each local resource, so a write that does not change the
 * synced form (a zone's status change, seen by another zone) sends nothing, and a resource that
 * stops qualifying, or whose synced name changes, is deleted on the other side.
 */
import type { Logger } from 'pino';
import type { KindDescriptor } from '../core/descriptor.js';
import { keyOf, keyString, type NewResource, type Resource } from '../core/resource.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import { BATCH_CHARS, encodeResource, type SyncMessage } from './kds-proto.js';
import type { KdsEvents } from './kds-events.js';
import type { SyncOutcome } from './sync-rules.js';
import { describeRefusal, listKinds, outgoingSet } from './sync-sets.js';

interface Sent {
  readonly resource: NewResource;
  readonly text: string;
}

export interface OutboundDeps {
  readonly store: ResourceStore;
  readonly logger: Logger;
  /** The zone at the other end (global side) or this zone (zone side), for events. */
  readonly zone: string;
  readonly kinds: readonly KindDescriptor[];
  readonly map: (r: Resource) => SyncOutcome;
  readonly send: (message: SyncMessage) => void;
  readonly events: KdsEvents;
}

export class Outbound {
  private readonly types: Set<string>;
  private sent = new Map<string, Sent>();
  private pending: StoreEvent[] | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private fullChain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OutboundDeps) {
    this.types = new Set(deps.kinds.map((k) => k.name));
  }

  /** Subscribes, sends the full set, then streams changes. */
  async start(): Promise<void> {
    this.pending = [];
    this.unsubscribe = this.deps.store.watch((e) => {
      if (!this.types.has(e.resource.type) || this.stopped) return;
      if (this.pending) this.pending.push(e);
      else this.onEvent(e);
    });
    await this.sendFull();
  }

  /** Sends the full set again (what qualifies changed for reasons other than a resource write). */
  sendFull(): Promise<void> {
    const next = this.fullChain.then(() => this.fullOnce());
    this.fullChain = next.catch(() => undefined);
    return next;
  }

  private async fullOnce(): Promise<void> {
    if (this.stopped) return;
    this.pending ??= [];
    try {
      const set = outgoingSet(await listKinds(this.deps.store, this.deps.kinds), this.deps.map);
      if (this.stopped) return;
      for (const r of set.refused) this.notSynced(r.key, describeRefusal(r));
      const sent = new Map<string, Sent>();
      for (const [k, resource] of set.resources) sent.set(k, { resource, text: encodeResource(resource) });
      this.deps.send({ full_start: { types: [...this.types] } });
      let batch: string[] = [];
      let chars = 0;
      for (const s of sent.values()) {
        batch.push(s.text);
        chars += s.text.length;
        if (chars >= BATCH_CHARS) {
          this.deps.send({ batch: { resources: batch } });
          batch = [];
          chars = 0;
        }
      }
      if (batch.length > 0) this.deps.send({ batch: { resources: batch } });
      this.deps.send({ full_end: { count: sent.size } });
      this.sent = sent;
      this.deps.events.emit({ type: 'full-sync-sent', zone: this.deps.zone, resources: sent.size });
    } finally {
      const queued = this.pending ?? [];
      this.pending = undefined;
      for (const e of queued) this.onEvent(e);
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onEvent(e: StoreEvent): void {
    if (this.stopped) return;
    const k = keyString(e.resource);
    const before = this.sent.get(k);
    if (e.op === 'delete') {
      if (before) this.sendDelete(k, before);
      return;
    }
    const o = this.deps.map(e.resource);
    if (o.action !== 'send') {
      if (o.action === 'refuse') this.notSynced(keyOf(e.resource), describeRefusal({ key: keyOf(e.resource), violations: o.violations }));
      if (before) this.sendDelete(k, before);
      return;
    }
    const text = encodeResource(o.resource);
    if (before?.text === text) return;
    if (before && keyString(before.resource) !== keyString(o.resource)) this.sendDelete(k, before);
    this.sent.set(k, { resource: o.resource, text });
    this.deps.send({ change: { resource: text } });
    this.deps.events.emit({ type: 'change-sent', zone: this.deps.zone, key: keyOf(o.resource), deleted: false });
  }

  private sendDelete(k: string, before: Sent): void {
    this.sent.delete(k);
    this.deps.send({ change: { deleted: true, resource: before.text } });
    this.deps.events.emit({ type: 'change-sent', zone: this.deps.zone, key: keyOf(before.resource), deleted: true });
  }

  private notSynced(key: Resource | { type: string; mesh: string; name: string }, detail: string): void {
    this.deps.logger.warn({ zone: this.deps.zone, resource: keyString(key) }, detail);
    this.deps.events.emit({ type: 'not-synced', zone: this.deps.zone, key: keyOf(key), detail });
  }
}
