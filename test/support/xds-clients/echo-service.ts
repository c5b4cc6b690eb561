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

/** Any method of the echo service, called the long way (with metadata and options). */
export type EchoMethod = (
  request: { message: string; delay_ms?: number },
  metadata: grpc.Metadata | grpc.CallOptions,
  options: grpc.CallOptions | ((err: grpc.ServiceError | null, reply?: EchoReply) => void),
  callback?: (err: grpc.ServiceError | null, reply?: EchoReply) => void,
) => grpc.ClientUnaryCall;

export type EchoClient = grpc.Client & {
  Echo(request: { message: string }, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, reply?: EchoReply) => void): grpc.ClientUnaryCall;
  Hello: EchoMethod;
  Slow: EchoMethod;
  Flaky: EchoMethod;
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
 * (another loopback address such as 127.0.0.2 lets several backends share one port). Besides Echo:
 * Hello (the same, another path), Slow (answers after `delay_ms`, default 2 s) and Flaky (every
 * other call fails with UNAVAILABLE, counted per backend).
 */
export async function startEchoBackend(name: string, at: { readonly host?: string; readonly port?: number } = {}): Promise<EchoBackend> {
  const server = new grpc.Server();
  type Call = grpc.ServerUnaryCall<{ message: string; delay_ms?: number }, EchoReply>;
  const answer = (call: Call, callback: grpc.sendUnaryData<EchoReply>): void => callback(null, { message: call.request.message, backend: name });
  let flakyCalls = 0;
  server.addService(echoService().service, {
    Echo: answer,
    Hello: answer,
    Slow: (call: Call, callback: grpc.sendUnaryData<EchoReply>) => {
      const timer = setTimeout(() => answer(call, callback), call.request.delay_ms || 2000);
      call.on('cancelled', () => clearTimeout(timer));
    },
    Flaky: (call: Call, callback: grpc.sendUnaryData<EchoReply>) => {
      flakyCalls++;
      if (flakyCalls % 2 === 0) callback({ code: grpc.status.UNAVAILABLE, details: `${name} fails every other call` });
      else answer(call, callback);
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
