/**
 * The shape every controller has: which changes wake it, and one reconcile pass that reads the
 * cache, computes the desired state with pure functions, and writes only what differs.
 */
import type { StoreEvent } from '../store/store.js';

export interface ReconcileResult {
  /** When the controller must run again even if nothing changes (grace periods, hold periods). */
  readonly nextRunAt?: Date;
}

export interface Controller {
  readonly name: string;
  /** Whether a store change may change what this controller computes. */
  wakesOn(event: StoreEvent): boolean;
  reconcile(now: Date): Promise<ReconcileResult>;
}
