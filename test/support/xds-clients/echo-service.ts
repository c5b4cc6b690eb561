/**
 * The echo service (echo.proto, loaded with proto-loader from the source tree so it works from dist
 * too): a backend server that answers with its own name, and the client constructor.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { REPO_ROOT } from '../golden.js';

export const ECHO_PROTO = join(REPO_ROOT, 'test', 'support', 'xds-clients', 'echo.proto');

export interface EchoReply {
  readonly message: string;
  readonly backend: string;
}

export type EchoClient = grpc.Client & {
  Echo(request: { message: string }, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, reply?: EchoReply) => void): grpc.ClientUnaryCall;
};

function echoService(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync(ECHO_PROTO, { keepCase: true, defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { meshplane: { test: { Echo: grpc.ServiceClientConstructor } } };
  return loaded.meshplane.test.Echo;
}

export function echoClientConstructor(): new (target: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => EchoClient {
  return echoService() as unknown as new (target: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => EchoClient;
}

export interface EchoBackend {
  readonly name: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A grpc-js server whose replies carry `name`, on 127.0.0.1 and a free port unless told otherwise
 * (another loopback address such as 127.0.0.2 lets several backends share one port).
 */
export async function startEchoBackend(name: string, at: { readonly host?: string; readonly port?: number } = {}): Promise<EchoBackend> {
  const server = new grpc.Server();
  server.addService(echoService().service, {
    Echo: (call: grpc.ServerUnaryCall<{ message: string }, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
      callback(null, { message: call.request.message, backend: name });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${at.host ?? '127.0.0.1'}:${at.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  return {
    name,
    port,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
