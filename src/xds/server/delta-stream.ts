/**
 * One delta (incremental) ADS stream: per type URL, the subscription and what the client holds
 * (name -> resource version, which is the content hash). Starts from initial_resource_versions, sends
 * only resources whose hash differs from what the client holds, and removed_resources for held names
 * that left the snapshot. Subscription changes apply whatever the nonce.
 *
 * An update larger than the size limit goes out as several responses (delta-chunks.ts), each with
 * its own nonce; the client ACKs or NACKs each. So a type has a queue of unanswered nonces, and a
 * request naming one of them is the ACK/NACK of that response (and supersedes the older ones).
 * The responses of one update share its system version, and that version counts as ACKed (the
 * node's status, hence the inspect API's `upToDate`) only once every one of them was ACKed: the
 * ACK of the first alone says nothing about the rest, and a NACK of any is the NACK of the version.
 */
import { resourceTypeInfo } from '../envoy/type-urls.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from './ads-messages.js';
import { splitDeltaUpdate } from './delta-chunks.js';
import { deltaResponseSize } from './response-size.js';
import type { StreamSession } from './stream-session.js';
import { DeltaSubscription, entriesInScope } from './subscriptions.js';

/** A resource alone over the limit: splitting cannot help. */
const DELTA_FIX = "One resource is over the limit by itself; raise the client's gRPC receive limit (grpc.max_receive_message_length; Envoy: max_receive_message_length of the xDS gRPC service).";

/** A client that never answers must not grow the queue without end; an answer to a dropped nonce is ignored. */
const MAX_UNANSWERED = 256;

/** The responses one update went out as: how many are still unanswered, and whether one was NACKed. */
interface SentUpdate {
  readonly version: string;
  unanswered: number;
  nacked: boolean;
}

interface DeltaTypeState {
  readonly subscription: DeltaSubscription;
  /** Whether any response of this type was sent on the stream. */
  sentAny: boolean;
  /** Responses not yet ACKed or NACKed, oldest first: nonce and the update they are part of. */
  readonly unanswered: { readonly nonce: string; readonly update: SentUpdate }[];
  /** What the client holds: name -> version (content hash). */
  readonly known: Map<string, string>;
  /** The type version `known` was last brought in line with; a push of the same version has nothing to send. */
  syncedVersion?: string;
}

export class DeltaStream {
  private readonly types = new Map<string, DeltaTypeState>();

  constructor(
    private readonly session: StreamSession,
    private readonly send: (response: DeltaDiscoveryResponse) => void,
  ) {
    session.pushOnSnapshot(this.types, (typeUrl, state) => this.respond(typeUrl, state));
  }

  onRequest(request: DeltaDiscoveryRequest): void {
    const typeUrl = this.session.typeUrlOf(request);
    if (typeUrl === undefined) return;
    const subscribe = request.resource_names_subscribe ?? [];
    const unsubscribe = request.resource_names_unsubscribe ?? [];
    let state = this.types.get(typeUrl);
    if (state === undefined) {
      const wildcardAllowed = resourceTypeInfo(typeUrl)?.wildcardAndAllRequired ?? false;
      const initial = Object.entries(request.initial_resource_versions ?? {});
      state = { subscription: new DeltaSubscription(subscribe, unsubscribe, wildcardAllowed), sentAny: false, unanswered: [], known: new Map(initial) };
      this.types.set(typeUrl, state);
    } else {
      const nonce = request.response_nonce ?? '';
      const answered = nonce === '' ? -1 : state.unanswered.findIndex((u) => u.nonce === nonce);
      const response = state.unanswered[answered];
      if (response !== undefined) {
        state.unanswered.splice(0, answered + 1);
        this.answered(typeUrl, response.update, request);
      }
      state.subscription.update(subscribe, unsubscribe);
    }
    for (const name of state.known.keys()) if (!state.subscription.includes(name)) state.known.delete(name);
    state.syncedVersion = undefined;
    this.respond(typeUrl, state);
  }

  /**
   * Reports the answer to one response of `update`. A response dropped unanswered (superseded, or
   * over MAX_UNANSWERED) is never counted, so its update's version is never reported ACKed.
   */
  private answered(typeUrl: string, update: SentUpdate, request: DeltaDiscoveryRequest): void {
    update.unanswered -= 1;
    if (request.error_detail !== undefined) update.nacked = true;
    const versionAcked = update.unanswered === 0 && !update.nacked;
    this.session.answered(typeUrl, request.error_detail, update.version, update.version, versionAcked);
  }

  private respond(typeUrl: string, state: DeltaTypeState): void {
    const snapshot = this.session.snapshot;
    if (snapshot === undefined) return;
    // Equal versions, equal content: a new snapshot that left this type alone (most pushes leave
    // three of the four types alone) costs no comparison of the proxy's resources.
    const version = snapshot.version(typeUrl);
    if (state.syncedVersion === version) return;
    state.syncedVersion = version;
    const entries = snapshot.resources(typeUrl);
    const sub = state.subscription;
    const inScope = entriesInScope(sub, entries);
    const changed = inScope.filter((e) => state.known.get(e.name) !== e.hash);
    const removed = [...state.known.keys()].filter((name) => !entries.has(name));
    const firstWildcard = !state.sentAny && sub.wildcard;
    if (changed.length === 0 && removed.length === 0 && !firstWildcard) return;
    const resources = changed.map((e) => ({ name: e.name, version: e.hash, resource: e.any }));
    const chunks = splitDeltaUpdate({ systemVersion: version, typeUrl, resources, removed }, this.session.maxResponseBytes);
    const update: SentUpdate = { version, unanswered: chunks.length, nacked: false };
    for (const chunk of chunks) {
      const nonce = this.session.nextNonce();
      const response: DeltaDiscoveryResponse = { system_version_info: version, resources: chunk.resources, type_url: typeUrl, removed_resources: chunk.removed, nonce };
      const bytes = deltaResponseSize(response);
      this.session.checkSize(typeUrl, bytes, DELTA_FIX);
      this.send(response);
      state.sentAny = true;
      state.unanswered.push({ nonce, update });
      if (state.unanswered.length > MAX_UNANSWERED) state.unanswered.shift();
      for (const r of chunk.resources) state.known.set(r.name, r.version);
      for (const name of chunk.removed) state.known.delete(name);
      this.session.sent(typeUrl, version, nonce, chunk.resources.length + chunk.removed.length, bytes);
    }
  }
}
