/**
 * The test side of grpc-call-runner.ts: one grpc-js-xds client process (one xDS node) that runs
 * batches of RPCs on command and answers with who replied, which status codes came back, and how
 * long each call took.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Batch {
  readonly target: string;
  readonly method: 'Echo' | 'Hello' | 'Slow' | 'Flaky';
  readonly count: number;
  readonly deadlineMs: number;
  readonly delayMs?: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface BatchResult {
  /** Successful calls by the backend that answered. */
  readonly ok: Record<string, number>;
  /** Failed calls by gRPC status name (UNAVAILABLE, DEADLINE_EXCEEDED...). */
  readonly errors: Record<string, number>;
  readonly lastError: string;
  readonly elapsedMs: readonly number[];
}

const live = new Set<ChildProcessWithoutNullStreams>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class CallRunner {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, (r: BatchResult) => void>();
  private nextId = 1;
  private stderr = '';

  constructor(xdsServer: string, nodeId: string) {
    const here = fileURLToPath(new URL('./grpc-call-runner', import.meta.url));
    const args = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', `${here}.ts`] : [`${here}.js`];
    this.child = spawn(process.execPath, [...args, JSON.stringify({ xdsServer, nodeId })], {
      env: { ...process.env, no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1' },
    });
    live.add(this.child);
    this.child.once('exit', () => live.delete(this.child));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as BatchResult & { id: number };
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
    });
  }

  /** Runs the batch; rejects after `ms` (a wedged client is a failure, not a hang). */
  run(batch: Batch, ms = 60_000): Promise<BatchResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`batch ${JSON.stringify(batch)} did not finish within ${ms} ms; stderr: ${this.stderr}`)), ms);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.child.stdin.write(`${JSON.stringify({ id, ...batch })}\n`);
    });
  }

  /** Runs batches until `ok` holds for one (returned), or fails after `ms` naming `what`. */
  async until(batch: Batch, ok: (r: BatchResult) => boolean, ms: number, what: string): Promise<BatchResult> {
    const deadline = Date.now() + ms;
    let last: BatchResult | undefined;
    while (Date.now() < deadline) {
      last = await this.run(batch);
      if (ok(last)) return last;
    }
    throw new Error(`timed out after ${ms} ms waiting for: ${what}; last batch ${JSON.stringify(last)}`);
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    return exited;
  }
}
