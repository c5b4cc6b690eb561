/**
 * One state-of-the-world ADS stream: per type URL, the subscription, the nonce of the last
 * response, and what the client holds (name -> content hash, or null for "told it does not exist").
 * A response is sent only when what the client should hold differs from what it holds, so a NACK
 * is never answered by resending the rejected version, and an older version is never sent.
 * A response over the size limit is still sent (it must be the whole set), but counted and logged.
 */
import { resourceTypeInfo } from '../envoy/type-urls.js';
import type { SnapshotEntry } from '../snapshot.js';
import type { DiscoveryRequest, DiscoveryResponse } from './ads-messages.js';
import type { StreamSession } from './stream-session.js';
import { sotwResponseSize } from './response-size.js';
import { entriesInScope, SotwSubscription } from './subscriptions.js';

/** A SotW response is the whole set of its type (LDS/CDS) and cannot be split. */
const SOTW_FIX = "State of the world cannot split a response; use delta xDS (its responses are split under the limit), or raise the client's gRPC receive limit (grpc.max_receive_message_length; Envoy: max_receive_message_length of the xDS gRPC service).";

interface SotwTypeState {
  readonly subscription: SotwSubscription;
  /** Nonce of the last response for this type; undefined until one was sent. */
  nonce: string | undefined;
  sentVersion: string;
  /** What the client holds: name -> hash; null = it was told the resource does not exist (LDS/CDS). */
  known: Map<string, string | null>;
  /** The type version `known` was last brought in line with; a push of the same version has nothing to send. */
  syncedVersion?: string;
}

export class SotwStream {
  private readonly types = new Map<string, SotwTypeState>();

  constructor(
    private readonly session: StreamSession,
    private readonly send: (response: DiscoveryResponse) => void,
  ) {
    session.pushOnSnapshot(this.types, (typeUrl, state) => this.respond(typeUrl, state));
  }

  onRequest(request: DiscoveryRequest): void {
    const typeUrl = this.session.typeUrlOf(request);
    if (typeUrl === undefined) return;
    const names = request.resource_names ?? [];
    const state = this.types.get(typeUrl);
    if (state === undefined) {
      const wildcardAllowed = resourceTypeInfo(typeUrl)?.wildcardAndAllRequired ?? false;
      const fresh: SotwTypeState = { subscription: new SotwSubscription(names, wildcardAllowed), nonce: undefined, sentVersion: '', known: new Map() };
      this.types.set(typeUrl, fresh);
      this.respond(typeUrl, fresh);
      return;
    }
    const nonce = request.response_nonce ?? '';
    if (state.nonce !== undefined && nonce !== state.nonce) return; // stale: the client has not seen our latest response yet
    if (state.nonce !== undefined) this.session.answered(typeUrl, request.error_detail, state.sentVersion, request.version_info ?? '');
    if (state.subscription.replace(names)) {
      for (const name of state.known.keys()) if (!state.subscription.includes(name)) state.known.delete(name);
    }
    state.syncedVersion = undefined;
    this.respond(typeUrl, state);
  }

  private respond(typeUrl: string, state: SotwTypeState): void {
    const snapshot = this.session.snapshot;
    if (snapshot === undefined) return;
    // Equal versions, equal content: a new snapshot that left this type alone costs no comparison.
    const version = snapshot.version(typeUrl);
    if (state.syncedVersion === version) return;
    state.syncedVersion = version;
    const entries = snapshot.resources(typeUrl);
    const sub = state.subscription;
    const inScope = entriesInScope(sub, entries);
    const allRequired = resourceTypeInfo(typeUrl)?.wildcardAndAllRequired ?? false;
    const next = allRequired ? holdAll(inScope, sub, entries) : holdMore(inScope, state.known);
    const firstWildcard = state.nonce === undefined && sub.wildcard;
    const changed = allRequired ? !sameHoldings(next, state.known) : inScope.some((e) => state.known.get(e.name) !== e.hash);
    if (!changed && !firstWildcard) return;
    const nonce = this.session.nextNonce();
    const response: DiscoveryResponse = { version_info: version, resources: inScope.map((e) => e.any), type_url: typeUrl, nonce };
    const bytes = sotwResponseSize(response);
    this.session.checkSize(typeUrl, bytes, SOTW_FIX);
    this.send(response);
    state.nonce = nonce;
    state.sentVersion = version;
    state.known = next;
    this.session.sent(typeUrl, version, nonce, inScope.length, bytes);
  }
}

/** LDS/CDS: the client will hold exactly the response, and learns that missing subscribed names do not exist. */
function holdAll(inScope: readonly SnapshotEntry[], sub: SotwSubscription, entries: ReadonlyMap<string, SnapshotEntry>): Map<string, string | null> {
  const next = new Map<string, string | null>(inScope.map((e) => [e.name, e.hash]));
  if (!sub.wildcard) for (const name of sub.names) if (!entries.has(name)) next.set(name, null);
  return next;
}

/** RDS/EDS: a response adds to what the client holds; absence says nothing. */
function holdMore(inScope: readonly SnapshotEntry[], known: ReadonlyMap<string, string | null>): Map<string, string | null> {
  const next = new Map(known);
  for (const e of inScope) next.set(e.name, e.hash);
  return next;
}

function sameHoldings(a: ReadonlyMap<string, string | null>, b: ReadonlyMap<string, string | null>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, hash] of a) if (!b.has(name) || b.get(name) !== hash) return false;
  return true;
}
