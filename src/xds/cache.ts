/**
 * SnapshotCache: the latest consistent XdsSnapshot per node id, watches that streams use to hear
 * about new snapshots, and a status record per node (streams, versions sent and acknowledged,
 * NACKs). It knows nothing about gRPC: the ADS server sees it only through XdsConfigSource.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { RESOURCE_TYPES } from './envoy/type-urls.js';
import { consistencyErrors, type XdsSnapshot } from './snapshot.js';

/** What an ADS stream tells the cache about itself. */
export type StreamEvent =
  | { readonly kind: 'opened'; readonly streamId: number; readonly protocol: 'sotw' | 'delta' }
  | { readonly kind: 'closed'; readonly streamId: number }
  | { readonly kind: 'sent'; readonly streamId: number; readonly typeUrl: string; readonly version: string; readonly nonce: string }
  /**
   * `partial`: the ACK of one response of a split delta update whose other responses are not all
   * ACKed yet (or one was NACKed); it is counted, but the version is not recorded as acknowledged.
   */
  | { readonly kind: 'ack'; readonly streamId: number; readonly typeUrl: string; readonly version: string; readonly partial?: true }
  | { readonly kind: 'nack'; readonly streamId: number; readonly typeUrl: string; readonly version: string; readonly message: string };

/** The seam between the cache (what to send) and the ADS server (how to send it). */
export interface XdsConfigSource {
  getSnapshot(nodeId: string): XdsSnapshot | undefined;
  /** Calls `listener` with every snapshot set for the node from now on; returns the unsubscribe. Listeners must not throw. */
  watch(nodeId: string, listener: (snapshot: XdsSnapshot) => void): () => void;
  report(nodeId: string, event: StreamEvent): void;
}

export interface TypeStatus {
  lastSentVersion?: string;
  lastSentAt?: Date;
  lastAckedVersion?: string;
  lastAckedAt?: Date;
  responses: number;
  acks: number;
  nacks: number;
}

export interface NackRecord {
  readonly at: Date;
  readonly typeUrl: string;
  /** The version the proxy rejected. */
  readonly version: string;
  readonly message: string;
}

export interface NodeStatus {
  readonly nodeId: string;
  connectedStreams: number;
  streamsOpened: number;
  lastConnectedAt?: Date;
  lastDisconnectedAt?: Date;
  /** By type URL. */
  readonly types: Record<string, TypeStatus>;
  lastNack?: NackRecord;
  readonly totals: { responses: number; acks: number; nacks: number };
}

export type SetSnapshotResult = { readonly ok: true; readonly changed: boolean } | { readonly ok: false; readonly errors: readonly string[] };

export class SnapshotCache implements XdsConfigSource {
  private readonly snapshots = new Map<string, XdsSnapshot>();
  private readonly watchers = new Map<string, Set<(snapshot: XdsSnapshot) => void>>();
  private readonly statuses = new Map<string, NodeStatus>();
  private readonly clock: Clock;

  constructor(deps: { readonly clock?: Clock } = {}) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Publishes `snapshot` to the node's streams, unless it is inconsistent: then the previous one stays. */
  setSnapshot(nodeId: string, snapshot: XdsSnapshot): SetSnapshotResult {
    const errors = consistencyErrors(snapshot);
    if (errors.length > 0) return { ok: false, errors };
    const previous = this.snapshots.get(nodeId);
    this.snapshots.set(nodeId, snapshot);
    const changed = previous === undefined || !sameVersions(previous, snapshot);
    if (changed) for (const listener of [...(this.watchers.get(nodeId) ?? [])]) listener(snapshot);
    return { ok: true, changed };
  }

  getSnapshot(nodeId: string): XdsSnapshot | undefined {
    return this.snapshots.get(nodeId);
  }

  /** Forgets the node's snapshot (e.g. its Dataplane was deleted); open streams keep what they have. */
  clearSnapshot(nodeId: string): void {
    this.snapshots.delete(nodeId);
  }

  watch(nodeId: string, listener: (snapshot: XdsSnapshot) => void): () => void {
    const set = this.watchers.get(nodeId) ?? new Set();
    this.watchers.set(nodeId, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.watchers.delete(nodeId);
    };
  }

  report(nodeId: string, event: StreamEvent): void {
    const status = this.statusFor(nodeId);
    const now = this.clock.now();
    if (event.kind === 'opened') {
      status.connectedStreams++;
      status.streamsOpened++;
      status.lastConnectedAt = now;
      return;
    }
    if (event.kind === 'closed') {
      status.connectedStreams = Math.max(0, status.connectedStreams - 1);
      status.lastDisconnectedAt = now;
      return;
    }
    const type = (status.types[event.typeUrl] ??= { responses: 0, acks: 0, nacks: 0 });
    if (event.kind === 'sent') {
      Object.assign(type, { lastSentVersion: event.version, lastSentAt: now, responses: type.responses + 1 });
      status.totals.responses++;
    } else if (event.kind === 'ack') {
      type.acks++;
      if (event.partial !== true) Object.assign(type, { lastAckedVersion: event.version, lastAckedAt: now });
      status.totals.acks++;
    } else {
      type.nacks++;
      status.totals.nacks++;
      status.lastNack = { at: now, typeUrl: event.typeUrl, version: event.version, message: event.message };
    }
  }

  /** A copy of the node's status record, or undefined if no stream ever reported for it. */
  status(nodeId: string): NodeStatus | undefined {
    const status = this.statuses.get(nodeId);
    return status === undefined ? undefined : structuredClone(status);
  }

  /** Node ids that have a snapshot or a status record. */
  nodeIds(): string[] {
    return [...new Set([...this.snapshots.keys(), ...this.statuses.keys()])].sort();
  }

  private statusFor(nodeId: string): NodeStatus {
    let status = this.statuses.get(nodeId);
    if (status === undefined) {
      status = { nodeId, connectedStreams: 0, streamsOpened: 0, types: {}, totals: { responses: 0, acks: 0, nacks: 0 } };
      this.statuses.set(nodeId, status);
    }
    return status;
  }
}

function sameVersions(a: XdsSnapshot, b: XdsSnapshot): boolean {
  return RESOURCE_TYPES.every(({ typeUrl }) => a.sameVersion(b, typeUrl));
}
