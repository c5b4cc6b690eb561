/**
 * What SotW and delta streams share: the request prologue (the node, sent only in the first request
 * and remembered for the stream; the node id policy; type_url required), the watch on the node's
 * snapshot and the order in which a new one is pushed, nonces, and reporting of sends, oversized responses, ACKs and NACKs to the cache, the metrics and the log.
 * The protocol streams keep only what differs: subscriptions, what the client holds, and how
 * responses are built and answered.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { XdsConfigSource } from '../cache.js';
import type { XdsSnapshot } from '../snapshot.js';
import { RESOURCE_TYPES } from '../envoy/type-urls.js';
import type { NodeInfo, RpcStatus } from './ads-messages.js';
import { typeLabel, type XdsMetrics, type XdsProtocol } from './xds-metrics.js';

/** Returns an error message to refuse the node id (the stream ends with NOT_FOUND), or undefined to accept. */
export type NodeIdPolicy = (nodeId: string, node: NodeInfo) => string | undefined;

export interface StreamDeps {
  readonly source: XdsConfigSource;
  readonly logger: Logger;
  readonly metrics: XdsMetrics;
  readonly onConnect?: (nodeId: string, node: NodeInfo) => void;
  readonly onDisconnect?: (nodeId: string) => void;
  readonly nodeIdPolicy?: NodeIdPolicy;
  /** Responses above this many serialized bytes are split (delta) or counted and warned about (SotW). */
  readonly maxResponseBytes: number;
  /** `<node id> <type URL>` already warned about an oversized response, shared by the server's streams. */
  readonly oversizeWarned: Set<string>;
}

export class StreamSession {
  private node: string | undefined;
  private nonces = 0;
  private unwatch: (() => void) | undefined;
  private current: XdsSnapshot | undefined;
  private ended = false;
  /** Called with each new snapshot of the node; set through pushOnSnapshot. */
  private onSnapshot: () => void = () => undefined;

  constructor(
    private readonly deps: StreamDeps,
    readonly streamId: number,
    readonly protocol: XdsProtocol,
    /** Ends the gRPC call with a status. */
    private readonly endCall: (code: GrpcStatus, message: string) => void,
  ) {}

  get nodeId(): string | undefined {
    return this.node;
  }

  /** The node's latest snapshot while the stream is open; undefined before the first request and once closed. */
  get snapshot(): XdsSnapshot | undefined {
    return this.ended ? undefined : this.current;
  }

  get closed(): boolean {
    return this.ended;
  }

  /**
   * The prologue of every request: takes the node from the first one and returns the type URL, or
   * undefined when the stream is closed, was refused, or the request has no type_url (the stream
   * then ends with INVALID_ARGUMENT: on an aggregated stream the type cannot be inferred).
   */
  typeUrlOf(request: { readonly node?: NodeInfo; readonly type_url?: string }): string | undefined {
    if (!this.accept(request.node)) return undefined;
    const typeUrl = request.type_url ?? '';
    if (typeUrl === '') {
      this.fail(GrpcStatus.INVALID_ARGUMENT, 'type_url is required on an aggregated (ADS) stream');
      return undefined;
    }
    return typeUrl;
  }

  /**
   * On each new snapshot, calls `respond` for every type the stream has state for: the known types
   * in RESOURCE_TYPES order (clusters before their assignments, listeners before their routes),
   * then any other in the order first requested; none once the stream is closed.
   */
  pushOnSnapshot<S>(types: ReadonlyMap<string, S>, respond: (typeUrl: string, state: S) => void): void {
    this.onSnapshot = () => {
      const ordered = [...RESOURCE_TYPES.map((t) => t.typeUrl), ...types.keys()];
      for (const typeUrl of new Set<string>(ordered)) {
        const state = types.get(typeUrl);
        if (state !== undefined && !this.ended) respond(typeUrl, state);
      }
    };
  }

  /** Takes the node from the first request; false if the stream was refused (and is now closed). */
  private accept(node: NodeInfo | undefined): boolean {
    if (this.ended) return false;
    if (this.node !== undefined) return true;
    const nodeId = node?.id ?? '';
    if (nodeId === '') {
      this.fail(GrpcStatus.INVALID_ARGUMENT, 'the first request of a stream must carry node.id');
      return false;
    }
    const refusal = this.deps.nodeIdPolicy?.(nodeId, node ?? {});
    if (refusal !== undefined) {
      this.deps.logger.warn({ nodeId, streamId: this.streamId, reason: refusal }, 'xds stream refused');
      this.fail(GrpcStatus.NOT_FOUND, refusal);
      return false;
    }
    this.node = nodeId;
    this.deps.source.report(nodeId, { kind: 'opened', streamId: this.streamId, protocol: this.protocol });
    this.deps.metrics.streams(this.protocol, 1);
    this.deps.logger.info({ nodeId, streamId: this.streamId, protocol: this.protocol, userAgent: node?.user_agent_name }, 'xds stream opened');
    this.deps.onConnect?.(nodeId, node ?? {});
    this.current = this.deps.source.getSnapshot(nodeId);
    this.unwatch = this.deps.source.watch(nodeId, (snapshot) => {
      this.current = snapshot;
      try {
        this.onSnapshot();
      } catch (err) {
        // one broken stream must not stop the publisher from reaching the others
        this.deps.logger.error({ err, nodeId, streamId: this.streamId }, 'xds push failed');
        this.fail(GrpcStatus.INTERNAL, `control plane error: ${(err as Error).message}`);
      }
    });
    return true;
  }

  nextNonce(): string {
    this.nonces += 1;
    return String(this.nonces);
  }

  get maxResponseBytes(): number {
    return this.deps.maxResponseBytes;
  }

  sent(typeUrl: string, version: string, nonce: string, resources: number, bytes: number): void {
    if (this.node === undefined) return;
    this.deps.source.report(this.node, { kind: 'sent', streamId: this.streamId, typeUrl, version, nonce });
    this.deps.metrics.response(typeUrl, this.protocol, bytes);
    this.deps.logger.debug({ nodeId: this.node, type: typeLabel(typeUrl), version, nonce, resources, bytes }, 'xds response sent');
  }

  /**
   * A response of `bytes` is about to be sent: if it is over the limit (it is sent anyway), it is
   * counted each time and logged once per node and type (a proxy over the limit would otherwise log
   * on every push). `fix` says what would help.
   */
  checkSize(typeUrl: string, bytes: number, fix: string): void {
    if (bytes <= this.deps.maxResponseBytes || this.node === undefined) return;
    this.deps.metrics.oversized(typeUrl, this.protocol);
    const key = `${this.node} ${typeUrl}`;
    if (this.deps.oversizeWarned.has(key)) return;
    this.deps.oversizeWarned.add(key);
    this.deps.logger.warn(
      { nodeId: this.node, type: typeLabel(typeUrl), protocol: this.protocol, bytes, limit: this.deps.maxResponseBytes, fix },
      `xds response of ${bytes} bytes is over the ${this.deps.maxResponseBytes}-byte limit (--xds-max-response-bytes); a client whose receive limit is lower ends the stream. ${fix}`,
    );
  }

  /**
   * A request answered a response of the type: with error_detail it is a NACK of `sentVersion`,
   * otherwise an ACK of `ackedVersion`. `versionAcked` false: the ACK of one response of a split
   * update whose other responses are unanswered or NACKed; counted, but the version is not ACKed.
   */
  answered(typeUrl: string, error: RpcStatus | undefined, sentVersion: string, ackedVersion: string, versionAcked = true): void {
    if (error !== undefined) this.nacked(typeUrl, sentVersion, error.message ?? `code ${error.code ?? '?'} without message`);
    else this.acked(typeUrl, ackedVersion, versionAcked);
  }

  private acked(typeUrl: string, version: string, versionAcked: boolean): void {
    if (this.node === undefined) return;
    this.deps.source.report(this.node, { kind: 'ack', streamId: this.streamId, typeUrl, version, ...(versionAcked ? {} : { partial: true as const }) });
    this.deps.metrics.ack(typeUrl);
    this.deps.logger.debug({ nodeId: this.node, type: typeLabel(typeUrl), version }, 'xds ack');
  }

  private nacked(typeUrl: string, version: string, message: string): void {
    if (this.node === undefined) return;
    this.deps.source.report(this.node, { kind: 'nack', streamId: this.streamId, typeUrl, version, message });
    this.deps.metrics.nack(typeUrl);
    this.deps.logger.warn({ nodeId: this.node, type: typeLabel(typeUrl), version, error: message }, 'xds nack: proxy rejected config');
  }

  /** Ends the stream with an error status. */
  fail(code: GrpcStatus, message: string): void {
    if (this.ended) return;
    this.close();
    this.endCall(code, message);
  }

  /** Stream over (either side): stop watching and report; idempotent. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.unwatch?.();
    if (this.node === undefined) return;
    this.deps.source.report(this.node, { kind: 'closed', streamId: this.streamId });
    this.deps.metrics.streams(this.protocol, -1);
    this.deps.logger.info({ nodeId: this.node, streamId: this.streamId }, 'xds stream closed');
    this.deps.onDisconnect?.(this.node);
  }
}
