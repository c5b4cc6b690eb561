/**
 * The global control plane's KDS server: a gRPC server on host:port that zones connect to, one
 * GlobalSession per zone. At start every zone recorded online is marked offline (no stream is
 * open yet); zones that reconnect resync without writing anything that already matches.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { ResourceStore } from '../store/store.js';
import { GlobalSession } from './global-session.js';
import { CHANNEL_OPTIONS, type SyncMessage, zoneSyncService } from './kds-proto.js';
import { KdsEvents, type KdsListener } from './kds-events.js';
import { ZoneDirectory } from './zone-directory.js';
import { markAllOffline } from './zone-records.js';

export interface KdsGlobalDeps {
  readonly store: ResourceStore;
  readonly logger: Logger;
  readonly host: string;
  /** 0 picks a free port; the handle tells which. */
  readonly port: number;
  readonly clock: Clock;
  /** Label key prefixes never sent to zones. */
  readonly skipLabelPrefixes?: readonly string[];
}

export interface KdsGlobalHandle {
  readonly port: number;
  /** `host:port`, what a zone's `--global-kds-address grpc://...` points at. */
  readonly address: string;
  /** Zones with an open stream, sorted. */
  connectedZones(): string[];
  onEvent(listener: KdsListener): () => void;
  /** Ends every zone stream (zones reconnect to the next global) and stops the server. */
  close(): Promise<void>;
}

export async function startKdsGlobal(deps: KdsGlobalDeps): Promise<KdsGlobalHandle> {
  const { store, logger, clock } = deps;
  const events = new KdsEvents();
  const sessions = new Map<string, GlobalSession>();
  const all = new Set<GlobalSession>();
  let closing = false;
  const instance = randomUUID();

  await markAllOffline(store, clock.now().toISOString());
  const directory = new ZoneDirectory(store, (zone, enabled) => {
    logger.info({ zone, enabled }, 'zone enabled state changed');
    if (!enabled) sessions.get(zone)?.terminate(grpc.status.FAILED_PRECONDITION, `zone '${zone}' was disabled on the global control plane`);
    // Zone-origin resources of that zone start or stop flowing to the other zones.
    for (const [name, s] of sessions) if (name !== zone) s.resend();
  });
  await directory.start();

  const server = new grpc.Server(CHANNEL_OPTIONS);
  server.addService(zoneSyncService().service, {
    Sync: (call: grpc.ServerDuplexStream<SyncMessage, SyncMessage>) => {
      const session = new GlobalSession(call, {
        store,
        logger,
        clock,
        events,
        directory,
        instance,
        skipLabelPrefixes: deps.skipLabelPrefixes,
        register: (zone, s) => {
          if (closing) return false;
          const previous = sessions.get(zone);
          sessions.set(zone, s);
          previous?.terminate(grpc.status.ABORTED, `zone '${zone}' connected again; this older stream is closed`);
          return true;
        },
        release: (zone, s) => {
          if (sessions.get(zone) !== s) return false;
          sessions.delete(zone);
          return true;
        },
      });
      all.add(session);
      void session.whenDone().then(() => all.delete(session));
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${deps.host}:${deps.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  const address = `${deps.host.includes(':') ? `[${deps.host}]` : deps.host}:${port}`;
  logger.info({ address }, 'KDS server listening');

  return {
    port,
    address,
    connectedZones: () => [...sessions.keys()].sort(),
    onEvent: (listener) => events.add(listener),
    close: async () => {
      closing = true;
      directory.stop();
      for (const s of all) s.terminate(grpc.status.UNAVAILABLE, 'the global control plane is shutting down');
      await Promise.all([...all].map((s) => s.whenDone()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
