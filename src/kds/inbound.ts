/**
 * The receiving half of a stream: takes full syncs and changes in arrival order, one at a time,
 * and writes them through the receiver side's rules (compare first, keep what is not ours).
 * A store failure ends the stream (`onFailure`): the reconnect brings a fresh full sync, which
 * repairs whatever the failed write left behind.
 */
import type { Logger } from 'pino';
import { keyOf, type NewResource } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';
import { decodeResource, type SyncMessage } from './kds-proto.js';
import type { KdsEvents } from './kds-events.js';
import { receiveDelete, receiveFull, receiveUpsert, type ReceiverSide } from './receiver.js';

export interface InboundDeps {
  readonly store: ResourceStore;
  readonly logger: Logger;
  readonly zone: string;
  readonly side: ReceiverSide;
  readonly events: KdsEvents;
  readonly onFailure: (err: unknown) => void;
  /** Called after a full sync from the other side has been applied. */
  readonly onFullApplied?: () => void;
}

export class Inbound {
  private chain: Promise<void> = Promise.resolve();
  private full: { types: string[]; items: NewResource[]; problems: string[] } | undefined;
  private failed = false;

  constructor(private readonly deps: InboundDeps) {}

  /** Queues one message; messages are applied strictly in order. */
  handle(message: SyncMessage): void {
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      try {
        await this.apply(message);
      } catch (err) {
        this.failed = true;
        this.deps.onFailure(err);
      }
    });
  }

  /** Resolves when every queued message has been applied. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async apply(m: SyncMessage): Promise<void> {
    const { zone, events, store, side } = this.deps;
    if (m.full_start) {
      this.full = { types: [...(m.full_start.types ?? [])], items: [], problems: [] };
    } else if (m.batch) {
      if (!this.full) throw new Error('protocol error: a batch arrived outside a full sync');
      for (const text of m.batch.resources ?? []) {
        const d = decodeResource(text);
        if (d.resource) this.full.items.push(d.resource);
        else this.full.problems.push(`unreadable resource (${d.problem ?? 'unknown'})`);
      }
    } else if (m.full_end) {
      if (!this.full) throw new Error('protocol error: full_end without full_start');
      const { types, items, problems } = this.full;
      this.full = undefined;
      const report = await receiveFull(store, side, items, types);
      const refused = [...problems, ...report.refused];
      for (const r of refused) this.deps.logger.warn({ zone }, `not applied: ${r}`);
      events.emit({ type: 'full-sync-applied', zone, writes: report.writes, refused });
      this.deps.onFullApplied?.();
    } else if (m.change) {
      const d = decodeResource(m.change.resource ?? '');
      if (!d.resource) {
        this.deps.logger.warn({ zone }, `not applied: unreadable resource (${d.problem ?? 'unknown'})`);
        return;
      }
      const deleted = m.change.deleted === true;
      const report = deleted ? await receiveDelete(store, side, d.resource) : await receiveUpsert(store, side, d.resource);
      for (const r of report.refused) this.deps.logger.warn({ zone }, `not applied: ${r}`);
      events.emit({ type: 'change-applied', zone, key: keyOf(d.resource), deleted, writes: report.writes, refused: report.refused });
    }
  }
}
