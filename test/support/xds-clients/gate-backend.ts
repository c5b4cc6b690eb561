/**
 * An echo backend (echo.proto) for tests that must know how many calls are in flight: Echo answers
 * with the backend's name (or fails with UNAVAILABLE when `failing`), Hello and Flaky answer, and
 * every Slow call is held until `releaseAll()`; `holding(n)` resolves once n calls are held.
 */
import * as grpc from '@grpc/grpc-js';
import { echoClientConstructor, type EchoReply } from './echo-service.js';

export class GateBackend {
  readonly server = new grpc.Server();
  port = 0;
  private readonly held: (() => void)[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(
    readonly name: string,
    failing = false,
  ) {
    type Call = grpc.ServerUnaryCall<{ message: string }, EchoReply>;
    const reply = (call: Call): EchoReply => ({ message: call.request.message, backend: name });
    const service = (echoClientConstructor() as unknown as grpc.ServiceClientConstructor).service;
    this.server.addService(service, {
      Echo: (call: Call, cb: grpc.sendUnaryData<EchoReply>) => (failing ? cb({ code: grpc.status.UNAVAILABLE, details: `${name} always fails` }) : cb(null, reply(call))),
      Hello: (call: Call, cb: grpc.sendUnaryData<EchoReply>) => cb(null, reply(call)),
      Flaky: (call: Call, cb: grpc.sendUnaryData<EchoReply>) => cb(null, reply(call)),
      Slow: (call: Call, cb: grpc.sendUnaryData<EchoReply>) => {
        this.held.push(() => cb(null, reply(call)));
        for (const w of this.waiters.filter((x) => this.held.length >= x.count)) w.resolve();
      },
    });
  }

  async start(host = '127.0.0.1', port = 0): Promise<this> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return this;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Resolves once `count` Slow calls are held. */
  holding(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
    this.waiters.splice(0);
  }

  stop(): Promise<void> {
    this.releaseAll();
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
