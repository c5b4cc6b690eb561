/**
 * The ADS gRPC server: envoy.service.discovery.v3.AggregatedDiscoveryService with both
 * StreamAggregatedResources (state of the world) and DeltaAggregatedResources (incremental). It
 * only wires gRPC calls to per-stream state machines; what to send comes from an XdsConfigSource.
 */
import { Server, ServerCredentials, status as GrpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { XdsConfigSource } from '../cache.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DiscoveryRequest, DiscoveryResponse, NodeInfo } from './ads-messages.js';
import { adsServiceDefinition } from './ads-service.js';
import { DeltaStream } from './delta-stream.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-size.js';
import { SotwStream } from './sotw-stream.js';
import { StreamSession, type NodeIdPolicy, type StreamDeps } from './stream-session.js';
import { createXdsMetrics, type XdsProtocol } from './xds-metrics.js';

export interface XdsServerOptions {
  readonly cache: XdsConfigSource;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  /** Where to register the xDS metrics (a private registry if absent). */
  readonly metrics?: Registry;
  readonly onConnect?: (nodeId: string, node: NodeInfo) => void;
  readonly onDisconnect?: (nodeId: string) => void;
  /** Refuses unknown proxies: return an error message and the stream ends with NOT_FOUND. */
  readonly nodeIdPolicy?: NodeIdPolicy;
  /**
   * Largest serialized response to send as one message (default DEFAULT_MAX_RESPONSE_BYTES): delta
   * responses are split under it; SotW responses over it are sent whole, counted and warned about.
   */
  readonly maxResponseBytes?: number;
}

export interface XdsServer {
  /** `host:port` as bound. */
  readonly address: string;
  readonly port: number;
  /** Ends every open stream (UNAVAILABLE) and stops listening. */
  stop(): Promise<void>;
}

/** The per-stream state machine of the protocol, as a request handler. */
function protocolStream(
  protocol: XdsProtocol,
  session: StreamSession,
  write: (response: DiscoveryResponse | DeltaDiscoveryResponse) => void,
): (request: unknown) => void {
  if (protocol === 'sotw') {
    const sotw = new SotwStream(session, write);
    return (request) => sotw.onRequest(request as DiscoveryRequest);
  }
  const delta = new DeltaStream(session, write);
  return (request) => delta.onRequest(request as DeltaDiscoveryRequest);
}

export async function startXdsServer(options: XdsServerOptions): Promise<XdsServer> {
  const logger = options.logger.child({ module: 'xds-server' });
  const deps: StreamDeps = {
    source: options.cache,
    logger,
    metrics: createXdsMetrics(options.metrics),
    onConnect: options.onConnect,
    onDisconnect: options.onDisconnect,
    nodeIdPolicy: options.nodeIdPolicy,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    oversizeWarned: new Set(),
  };
  const sessions = new Set<StreamSession>();
  let nextStreamId = 0;

  const serve = (protocol: XdsProtocol) => (call: ServerDuplexStream<unknown, unknown>): void => {
    const endCall = (code: GrpcStatus, message: string): void => {
      call.emit('error', Object.assign(new Error(message), { code, details: message }));
    };
    const session = new StreamSession(deps, ++nextStreamId, protocol, endCall);
    const write = (response: DiscoveryResponse | DeltaDiscoveryResponse): void => {
      if (!session.closed) call.write(response);
    };
    const onRequest = protocolStream(protocol, session, write);
    sessions.add(session);
    call.on('data', (request: unknown) => {
      try {
        onRequest(request);
      } catch (err) {
        logger.error({ err, nodeId: session.nodeId, streamId: session.streamId }, 'xds request failed');
        session.fail(GrpcStatus.INTERNAL, `control plane error: ${(err as Error).message}`);
      }
    });
    const finish = (): void => {
      session.close();
      sessions.delete(session);
    };
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  };

  const server = new Server();
  server.addService(adsServiceDefinition(), {
    StreamAggregatedResources: serve('sotw'),
    DeltaAggregatedResources: serve('delta'),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  const address = `${options.host}:${port}`;
  logger.info({ address }, 'xds server listening');

  return {
    address,
    port,
    stop: async () => {
      for (const session of [...sessions]) session.fail(GrpcStatus.UNAVAILABLE, 'xds server is shutting down');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
