/**
 * One delta (incremental) ADS stream: per type URL, the subscription and what the client holds
 * (name -> resource version, which is the content hash). Starts from initial_resource_versions, sends
 * only resources whose hash differs from what the client holds, and removed_resources for held names
 * that left the snapshot. Subscription changes apply whatever the nonce; ACK/NACK only with the
 * nonce of the last response.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { RESOURCE_TYPES, resourceTypeInfo } from '../envoy/type-urls.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from './ads-messages.js';
import { deltaResponseSize } from './response-size.js';
import type { StreamSession } from './stream-session.js';
import { DeltaSubscription } from './subscriptions.js';

interface DeltaTypeState {
  readonly subscription: DeltaSubscription;
  nonce: string | undefined;
  sentVersion: string;
  /** What the client holds: name -> version (content hash). */
  readonly known: Map<string, string>;
}

export class DeltaStream {
  private readonly types = new Map<string, DeltaTypeState>();

  constructor(
    private readonly session: StreamSession,
    private readonly send: (response: DeltaDiscoveryResponse) => void,
  ) {
    session.onSnapshot = () => this.pushAll();
  }

  onRequest(request: DeltaDiscoveryRequest): void {
    if (!this.session.accept(request.node)) return;
    const typeUrl = request.type_url ?? '';
    if (typeUrl === '') {
      this.session.fail(GrpcStatus.INVALID_ARGUMENT, 'type_url is required on an aggregated (ADS) stream');
      return;
    }
    const subscribe = request.resource_names_subscribe ?? [];
    const unsubscribe = request.resource_names_unsubscribe ?? [];
    let state = this.types.get(typeUrl);
    if (state === undefined) {
      const wildcardAllowed = resourceTypeInfo(typeUrl)?.wildcardAndAllRequired ?? false;
      const initial = Object.entries(request.initial_resource_versions ?? {});
      state = { subscription: new DeltaSubscription(subscribe, unsubscribe, wildcardAllowed), nonce: undefined, sentVersion: '', known: new Map(initial) };
      this.types.set(typeUrl, state);
    } else {
      const nonce = request.response_nonce ?? '';
      if (state.nonce !== undefined && nonce === state.nonce) {
        const error = request.error_detail;
        if (error !== undefined) this.session.nacked(typeUrl, state.sentVersion, error.message ?? `code ${error.code ?? '?'} without message`);
        else this.session.acked(typeUrl, state.sentVersion);
      }
      state.subscription.update(subscribe, unsubscribe);
    }
    for (const name of state.known.keys()) if (!state.subscription.includes(name)) state.known.delete(name);
    this.respond(typeUrl, state);
  }

  private pushAll(): void {
    const ordered = [...RESOURCE_TYPES.map((t) => t.typeUrl), ...this.types.keys()];
    for (const typeUrl of new Set<string>(ordered)) {
      const state = this.types.get(typeUrl);
      if (state !== undefined && !this.session.closed) this.respond(typeUrl, state);
    }
  }

  private respond(typeUrl: string, state: DeltaTypeState): void {
    const snapshot = this.session.snapshot;
    if (snapshot === undefined || this.session.closed) return;
    const entries = snapshot.resources(typeUrl);
    const sub = state.subscription;
    const inScope = sub.wildcard ? [...entries.values()] : [...sub.names].flatMap((n) => entries.get(n) ?? []);
    const changed = inScope.filter((e) => state.known.get(e.name) !== e.hash);
    const removed = [...state.known.keys()].filter((name) => !entries.has(name));
    const firstWildcard = state.nonce === undefined && sub.wildcard;
    if (changed.length === 0 && removed.length === 0 && !firstWildcard) return;
    const nonce = this.session.nextNonce();
    const version = snapshot.version(typeUrl);
    const response: DeltaDiscoveryResponse = {
      system_version_info: version,
      resources: changed.map((e) => ({ name: e.name, version: e.hash, resource: e.any })),
      type_url: typeUrl,
      removed_resources: removed,
      nonce,
    };
    this.send(response);
    state.nonce = nonce;
    state.sentVersion = version;
    for (const e of changed) state.known.set(e.name, e.hash);
    for (const name of removed) state.known.delete(name);
    this.session.sent(typeUrl, version, nonce, changed.length + removed.length, deltaResponseSize(response));
  }
}
