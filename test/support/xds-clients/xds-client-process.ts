/**
 * The test side of grpc-xds-client-process.ts: spawns one grpc-js-xds client process calling
 * `xds:///<target>` back to back and waits, with a deadline, for its reports to satisfy a condition.
 * The client gets its bootstrap either per channel (`xdsServer` + `nodeId`) or, as a user would
 * give it, from a file named by GRPC_XDS_BOOTSTRAP (`bootstrapFile`).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One report line of the client process (see grpc-xds-client-process.ts). */
export interface Counts {
  readonly at: number;
  readonly counts: Record<string, number>;
  /** Epoch ms of the first and of the latest RPC each backend answered. */
  readonly firstSeen: Record<string, number>;
  readonly lastSeen: Record<string, number>;
  readonly streak: { readonly backend: string; readonly count: number };
  /** Who answered the last 30 successful RPCs, oldest first. */
  readonly recent: readonly string[];
  readonly errors: number;
  /** RPCs failed since the last success. */
  readonly failing: number;
  readonly lastError: string;
}

export type XdsClientOptions = { readonly target: string; readonly rpcTimeoutMs?: number } & (
  | { readonly xdsServer: string; readonly nodeId: string }
  | { readonly bootstrapFile: string }
);

const live = new Set<ChildProcessWithoutNullStreams>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class XdsClientProcess {
  private latest: Counts | undefined;
  private waiters: (() => void)[] = [];
  private exitText: string | undefined;
  private stderr = '';
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(options: XdsClientOptions) {
    const here = fileURLToPath(new URL('./grpc-xds-client-process', import.meta.url));
    const fromSource = import.meta.url.endsWith('.ts');
    const args = fromSource ? ['--import', 'tsx', `${here}.ts`] : [`${here}.js`];
    const config = 'xdsServer' in options ? { xdsServer: options.xdsServer, nodeId: options.nodeId } : {};
    const env: NodeJS.ProcessEnv = { ...process.env, no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1' };
    delete env.GRPC_XDS_BOOTSTRAP;
    delete env.GRPC_XDS_BOOTSTRAP_CONFIG;
    if ('bootstrapFile' in options) env.GRPC_XDS_BOOTSTRAP = options.bootstrapFile;
    this.child = spawn(process.execPath, [...args, JSON.stringify({ ...config, target: options.target, rpcTimeoutMs: options.rpcTimeoutMs ?? 400 })], { env });
    live.add(this.child);
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      process.stderr.write(d);
    });
    this.child.once('exit', (code, signal) => {
      live.delete(this.child);
      this.exitText = `client process exited (code ${code}, signal ${signal})${this.stderr === '' ? '' : `: ${this.stderr.slice(-2000)}`}`;
      for (const w of this.waiters.splice(0)) w();
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { event: string } & Counts;
      if (event.event !== 'counts') return;
      this.latest = event;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves when `ok` holds for the latest report; fails after `ms` with `what`, or when the process exits. */
  async until(ok: (c: Counts) => boolean, ms: number, what: string): Promise<Counts> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.latest !== undefined && ok(this.latest)) return this.latest;
      if (this.exitText !== undefined) assert.fail(`${this.exitText}; was waiting for: ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out after ${ms} ms waiting for: ${what}; last report ${JSON.stringify(this.latest)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next report (any), e.g. to read the error count before a change. */
  report(ms = 5_000): Promise<Counts> {
    return this.until(() => true, ms, 'a report');
  }

  /** Every one of `backends` answered after `since`. */
  answeredSince(backends: readonly string[], since: number): (c: Counts) => boolean {
    return (c) => backends.every((b) => (c.lastSeen[b] ?? 0) > since);
  }

  /** Both `backend-a` and `backend-b` answered after `since`. */
  bothAnsweredSince(since: number): (c: Counts) => boolean {
    return this.answeredSince(['backend-a', 'backend-b'], since);
  }

  /** Closes the client's stdin (it stops after its current RPC) and waits for the exit. */
  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    return exited;
  }
}
