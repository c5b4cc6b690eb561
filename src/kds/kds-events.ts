/**
 * What the sync reports while it runs: for logs, the zone insight, and tests that wait for a
 * precise moment ("west has applied global's full sync") instead of sleeping.
 */
import type { ResourceKey } from '../core/resource.js';

export type KdsEvent =
  | { readonly type: 'connected'; readonly zone: string }
  | { readonly type: 'disconnected'; readonly zone: string; readonly reason: string }
  /** This side sent its full set (`resources` items). */
  | { readonly type: 'full-sync-sent'; readonly zone: string; readonly resources: number }
  /** This side applied the other side's full set. */
  | { readonly type: 'full-sync-applied'; readonly zone: string; readonly writes: number; readonly refused: readonly string[] }
  | { readonly type: 'change-sent'; readonly zone: string; readonly key: ResourceKey; readonly deleted: boolean }
  | {
      readonly type: 'change-applied';
      readonly zone: string;
      readonly key: ResourceKey;
      readonly deleted: boolean;
      readonly writes: number;
      readonly refused: readonly string[];
    }
  /** A local resource this side will not send, with the violations (refused where it originates). */
  | { readonly type: 'not-synced'; readonly zone: string; readonly key: ResourceKey; readonly detail: string };

export type KdsListener = (event: KdsEvent) => void;

export class KdsEvents {
  private readonly listeners = new Set<KdsListener>();

  add(listener: KdsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: KdsEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own; the sync goes on.
      }
    }
  }
}
