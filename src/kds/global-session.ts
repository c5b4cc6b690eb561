/**
 * One zone's stream, on global: hello -> checks -> Zone resource and insight -> welcome, then
 * the zone's full sync in and global's full sync out, then changes both ways. When the stream
 * ends the zone is marked offline; its resources stay on global and in the other zones.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { dns1123LabelErrors } from '../core/dns-names.js';
import type { ResourceStore } from '../store/store.js';
import { Inbound } from './inbound.js';
import { KDS_PROTOCOL_VERSION, type SyncMessage } from './kds-proto.js';
import type { KdsEvents } from './kds-events.js';
import { Outbound } from './outbound.js';
import { globalSideFor } from './receiver.js';
import { kindsSentByGlobal, SYNCED_KINDS, toZone } from './sync-rules.js';
import type { ZoneDirectory } from './zone-directory.js';
import { ensureZone, updateInsight } from './zone-records.js';

export interface GlobalSessionDeps {
  readonly store: ResourceStore;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly events: KdsEvents;
  readonly directory: ZoneDirectory;
  readonly instance: string;
  readonly skipLabelPrefixes?: readonly string[];
  /** Makes this the zone's one session (ending an older one); false when global is shutting down. */
  readonly register: (zone: string, session: GlobalSession) => boolean;
  /** Whether this is still the zone's current session. */
  readonly release: (zone: string, session: GlobalSession) => boolean;
}

type Call = grpc.ServerDuplexStream<SyncMessage, SyncMessage>;

export class GlobalSession {
  private zone: string | undefined;
  /** The zone said in its hello that it runs on a flat network. */
  private flatNetwork = false;
  private inbound: Inbound | undefined;
  private outbound: Outbound | undefined;
  private closed = false;
  /** Settles when the session has finished its last store write. */
  private finished: Promise<void> = Promise.resolve();
  private markEnded: () => void = () => undefined;
  private readonly ended = new Promise<void>((resolve) => (this.markEnded = resolve));

  constructor(
    private readonly call: Call,
    private readonly deps: GlobalSessionDeps,
  ) {
    call.on('data', (m: SyncMessage) => this.onMessage(m));
    call.on('end', () => {
      this.end('the zone closed the stream');
      if (!call.writableEnded) call.end();
    });
    call.on('cancelled', () => this.end('the stream was cancelled'));
    call.on('error', (err: Error) => this.end(err.message));
  }

  get zoneName(): string | undefined {
    return this.zone;
  }

  /** Ends the stream from global's side: `code` OK for a shutdown, an error code for a refusal. */
  terminate(code: grpc.status, details: string): void {
    if (!this.call.writableEnded) {
      if (code === grpc.status.OK) this.call.end();
      else this.call.emit('error', { code, details });
    }
    this.end(details);
  }

  /** Global -> zone again in full (what qualifies changed: a Zone was enabled or disabled). */
  resend(): void {
    this.outbound?.sendFull().catch((err: unknown) => this.fail(err));
  }

  /** Settles once the stream has ended and the session's last store write is done. */
  async whenDone(): Promise<void> {
    await this.ended;
    await this.finished;
  }

  /** Settles when the session's store writes so far are done. */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  private onMessage(m: SyncMessage): void {
    if (this.closed) return;
    if (this.zone === undefined) {
      this.hello(m);
      return;
    }
    this.inbound?.handle(m);
  }

  private hello(m: SyncMessage): void {
    const zone = m.hello?.zone ?? '';
    if (!m.hello) return this.terminate(grpc.status.INVALID_ARGUMENT, 'the first message of a zone stream must be a hello');
    const problems = dns1123LabelErrors(zone);
    if (problems.length > 0) return this.terminate(grpc.status.INVALID_ARGUMENT, `zone name ${JSON.stringify(zone)}: ${problems.join('; ')}`);
    if (!this.deps.directory.isEnabled(zone)) {
      return this.terminate(grpc.status.FAILED_PRECONDITION, `zone '${zone}' is disabled on the global control plane (its Zone resource has enabled: false)`);
    }
    this.zone = zone;
    this.flatNetwork = m.hello.flat_network === true;
    if (!this.deps.register(zone, this)) return this.terminate(grpc.status.UNAVAILABLE, 'the global control plane is shutting down');
    const { store, logger, events, clock } = this.deps;
    this.inbound = new Inbound({
      store,
      logger,
      zone,
      side: globalSideFor(zone),
      events,
      onFailure: (err) => this.fail(err),
      onFullApplied: () => this.track(updateInsight(store, zone, (cur) => ({ ...cur, online: true, lastFullSyncFromZone: clock.now().toISOString() }))),
    });
    this.outbound = new Outbound({
      store,
      logger,
      zone,
      kinds: kindsSentByGlobal(SYNCED_KINDS),
      map: (r) =>
        toZone(r, zone, {
          isZoneEnabled: (z) => this.deps.directory.isEnabled(z),
          skipLabelPrefixes: this.deps.skipLabelPrefixes,
          targetFlatNetwork: this.flatNetwork,
        }),
      send: (msg) => this.send(msg),
      events,
    });
    this.track(this.welcome(zone, m.hello.instance ?? ''));
  }

  private async welcome(zone: string, instance: string): Promise<void> {
    const { store, clock, logger, events } = this.deps;
    await ensureZone(store, zone);
    const now = clock.now().toISOString();
    await updateInsight(store, zone, (cur) => ({ ...cur, online: true, instance, connectTime: now, flatNetwork: this.flatNetwork || undefined }));
    if (this.closed) return;
    logger.info({ zone, instance }, 'zone connected');
    this.send({ welcome: { instance: this.deps.instance, version: KDS_PROTOCOL_VERSION } });
    events.emit({ type: 'connected', zone });
    await this.outbound?.start();
    if (!this.closed) await updateInsight(store, zone, (cur) => ({ ...cur, online: true, lastFullSyncToZone: clock.now().toISOString() }));
  }

  private send(m: SyncMessage): void {
    if (!this.closed && !this.call.writableEnded) this.call.write(m);
  }

  private fail(err: unknown): void {
    const details = `sync with zone '${this.zone ?? '?'}' failed: ${err instanceof Error ? err.message : String(err)}`;
    this.deps.logger.error({ zone: this.zone, err }, details);
    this.terminate(grpc.status.INTERNAL, details);
  }

  private track(work: Promise<void>): void {
    const guarded = work.catch((err: unknown) => this.fail(err));
    this.finished = Promise.all([this.finished, guarded]).then(() => undefined);
  }

  private end(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.markEnded();
    this.outbound?.stop();
    const zone = this.zone;
    if (zone === undefined) return;
    const { store, clock, logger, events } = this.deps;
    const current = this.deps.release(zone, this);
    logger.info({ zone, reason }, 'zone disconnected');
    events.emit({ type: 'disconnected', zone, reason });
    if (!current) return;
    const now = clock.now().toISOString();
    const done = (this.inbound?.idle() ?? Promise.resolve()).then(() =>
      updateInsight(store, zone, (cur) => ({ ...cur, online: false, disconnectTime: now, disconnectReason: reason })),
    );
    this.finished = Promise.all([this.finished, done.catch((err: unknown) => logger.error({ zone, err }, 'could not record the zone offline'))]).then(() => undefined);
  }
}
