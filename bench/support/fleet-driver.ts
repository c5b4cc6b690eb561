/**
 * The control plane's side of the ADS fleet (support/ads-fleet.ts): spawns it, sends one command
 * at a time and waits for its answer. Everything the fleet measures is in epoch milliseconds, so
 * the caller can subtract its own `epochNow()` taken when it made a change.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Protocol, TypeKey } from './ads-stream.js';

const FLEET_ENTRY = fileURLToPath(new URL('./ads-fleet.js', import.meta.url));

export interface ConnectedNode {
  readonly node: string;
  readonly openedAt: number;
  /** When the last of CDS, EDS, LDS and RDS first arrived; absent if one never did. */
  readonly full?: number;
  readonly bytes: number;
  readonly resources: Partial<Record<TypeKey, number>>;
  readonly ended?: string;
}

export interface NodeStats {
  readonly responses: number;
  readonly bytes: number;
  readonly resources: number;
  readonly removed: number;
}

export class FleetDriver {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: Record<string, unknown>[] = [];
  private wake: (() => void) | undefined;
  private stderr = '';
  private exited: string | undefined;

  constructor() {
    this.child = spawn(process.execPath, ['--max-old-space-size=8192', FLEET_ENTRY], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.answers.push(JSON.parse(line) as Record<string, unknown>);
      this.wake?.();
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.child.on('exit', (code) => {
      this.exited = `fleet exited with ${code}: ${this.stderr.slice(-500)}`;
      this.wake?.();
    });
  }

  connect(address: string, protocol: Protocol, nodes: readonly string[], timeoutMs: number): Promise<{ nodes: ConnectedNode[]; missing: string[] }> {
    return this.ask({ cmd: 'connect', address, protocol, nodes, timeoutMs }, timeoutMs + 60_000);
  }

  /** Starts counting from now; with `names`, responses also record the names of their resources. */
  async mark(names = false): Promise<void> {
    await this.ask({ cmd: 'mark', names }, 30_000);
  }

  /**
   * When each node had received every one of `types` since the mark; with `name`, when it first
   * received a response of one of `types` carrying a resource of that name (needs `mark(true)`).
   */
  arrived(types: readonly TypeKey[], nodes: readonly string[], timeoutMs: number, name?: string): Promise<{ at: Record<string, number>; missing: string[] }> {
    return this.ask({ cmd: 'await', types, nodes, timeoutMs, ...(name !== undefined ? { name } : {}) }, timeoutMs + 60_000);
  }

  /** Waits for `ms` without a response, then what each node received since the mark. */
  async quiet(ms: number, timeoutMs: number): Promise<Record<string, NodeStats>> {
    const answer = await this.ask<{ nodes: Record<string, NodeStats> }>({ cmd: 'quiet', ms, timeoutMs }, timeoutMs + 60_000);
    return answer.nodes;
  }

  async close(): Promise<void> {
    if (this.exited !== undefined) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.write(`${JSON.stringify({ cmd: 'close' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  private async ask<T>(command: Record<string, unknown>, timeoutMs: number): Promise<T> {
    if (this.exited !== undefined) throw new Error(this.exited);
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const deadline = Date.now() + timeoutMs;
    while (this.answers.length === 0) {
      if (this.exited !== undefined) throw new Error(this.exited);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fleet did not answer ${String(command.cmd)} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.answers.shift() as T;
  }
}
