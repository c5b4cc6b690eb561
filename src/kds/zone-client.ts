/**
 * The zone control plane's end of KDS: one stream to global, opened at start and reopened with
 * exponential back-off whenever it ends. Each (re)connect sends a hello, waits for the welcome,
 * then both sides send a full sync and stream changes. While disconnected the zone keeps
 * everything it holds (synced copies included) and serves it as usual.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { dns1123LabelErrors } from '../core/dns-names.js';
import { ConfigError } from '../core/errors.js';
import type { ResourceStore } from '../store/store.js';
import { type BackoffConfig, backoffDelay, backoffProblems } from './backoff.js';
import { Inbound } from './inbound.js';
import { CHANNEL_OPTIONS, KDS_PROTOCOL_VERSION, type SyncMessage, type ZoneSyncClient, zoneSyncService } from './kds-proto.js';
import { KdsEvents, type KdsListener } from './kds-events.js';
import { Outbound } from './outbound.js';
import { zoneSide } from './receiver.js';
import { kindsSentByZone, SYNCED_KINDS, toGlobal } from './sync-rules.js';

export interface KdsZoneDeps {
  readonly store: ResourceStore;
  readonly logger: Logger;
  /** This zone's name: a DNS label, the value of `kuma.io/zone` on everything it sends. */
  readonly zone: string;
  /** `grpc://host:port`, `grpcs://host:port` (TLS with the system's CAs) or `host:port`. */
  readonly globalAddress: string;
  /** Times in logs; the back-off waits on real timers. */
  readonly clock: Clock;
  readonly backoff?: BackoffConfig;
  /** Label key prefixes never sent to global. */
  readonly skipLabelPrefixes?: readonly string[];
  /** This zone reaches other zones' Dataplanes directly: send and receive FlatEndpoints records. */
  readonly flatNetwork?: boolean;
}

export interface KdsZoneHandle {
  readonly zone: string;
  /** True between global's welcome and the end of that stream. */
  isConnected(): boolean;
  onEvent(listener: KdsListener): () => void;
  /** Closes the stream (global marks the zone offline) and stops reconnecting. */
  close(): Promise<void>;
}

interface Connection {
  readonly call: grpc.ClientDuplexStream<SyncMessage, SyncMessage>;
  readonly inbound: Inbound;
  readonly outbound: Outbound;
  welcomed: boolean;
  ended: boolean;
}

/** Splits `grpc://host:port` into the gRPC target and the credentials it needs. */
export function parseGlobalAddress(address: string): { target: string; credentials: grpc.ChannelCredentials } {
  const m = /^(?:(grpcs?):\/\/)?([^/]+:\d+)$/.exec(address.trim());
  if (!m?.[2]) throw new ConfigError(`global KDS address must be grpc://HOST:PORT or grpcs://HOST:PORT; got ${JSON.stringify(address)}`);
  return { target: m[2], credentials: m[1] === 'grpcs' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure() };
}

export async function startKdsZone(deps: KdsZoneDeps): Promise<KdsZoneHandle> {
  const { store, logger, zone } = deps;
  const nameProblems = dns1123LabelErrors(zone);
  if (nameProblems.length > 0) throw new ConfigError(`zone name ${JSON.stringify(zone)}: ${nameProblems.join('; ')}`);
  const backoffIssues = deps.backoff ? backoffProblems(deps.backoff) : [];
  if (backoffIssues.length > 0) throw new ConfigError(backoffIssues.join('; '));
  const { target, credentials } = parseGlobalAddress(deps.globalAddress);
  const client: ZoneSyncClient = new (zoneSyncService().Client)(target, credentials, CHANNEL_OPTIONS);
  const events = new KdsEvents();
  const instance = randomUUID();
  let current: Connection | undefined;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const connect = (): void => {
    timer = undefined;
    if (closed) return;
    const call = client.Sync();
    const conn: Connection = {
      call,
      welcomed: false,
      ended: false,
      inbound: new Inbound({ store, logger, zone, side: zoneSide(), events, onFailure: (err) => end(conn, `applying global's data failed: ${String(err)}`) }),
      outbound: new Outbound({
        store,
        logger,
        zone,
        kinds: kindsSentByZone(SYNCED_KINDS),
        map: (r) => toGlobal(r, zone, { skipLabelPrefixes: deps.skipLabelPrefixes, flatNetwork: deps.flatNetwork === true }),
        send: (m) => {
          if (!conn.ended) call.write(m);
        },
        events,
      }),
    };
    current = conn;
    call.on('data', (m: SyncMessage) => {
      if (conn.ended) return;
      if (!conn.welcomed) {
        if (!m.welcome) return end(conn, 'global answered the hello with something other than a welcome');
        conn.welcomed = true;
        attempt = 0;
        logger.info({ zone, global: target, at: deps.clock.now().toISOString() }, 'connected to global');
        events.emit({ type: 'connected', zone });
        conn.outbound.start().catch((err: unknown) => end(conn, `sending the full sync failed: ${String(err)}`));
        return;
      }
      conn.inbound.handle(m);
    });
    call.on('error', (err: grpc.ServiceError) => end(conn, err.details || err.message));
    call.on('end', () => end(conn, 'global ended the stream'));
    call.write({ hello: { zone, instance, version: KDS_PROTOCOL_VERSION, flat_network: deps.flatNetwork === true } });
  };

  const end = (conn: Connection, reason: string): void => {
    if (conn.ended) return;
    conn.ended = true;
    conn.outbound.stop();
    conn.call.cancel();
    if (current === conn) current = undefined;
    if (conn.welcomed) {
      logger.warn({ zone, reason, at: deps.clock.now().toISOString() }, 'disconnected from global');
      events.emit({ type: 'disconnected', zone, reason });
    } else if (!closed) {
      logger.warn({ zone, global: target, reason }, 'could not sync with global');
    }
    if (closed) return;
    const delay = backoffDelay(attempt++, deps.backoff);
    timer = setTimeout(connect, delay);
  };

  connect();
  return {
    zone,
    isConnected: () => current?.welcomed === true,
    onEvent: (listener) => events.add(listener),
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const conn = current;
      if (conn) {
        if (!conn.ended) conn.call.end();
        end(conn, 'the zone control plane is shutting down');
        await conn.inbound.idle();
      }
      client.close();
    },
  };
}
