/**
 * Real `meshplane` processes for end-to-end tests: `startMeshplane` spawns `meshplane run` and
 * resolves when its ready line appears (or rejects at a deadline, or when it exits first);
 * `runMeshplane` runs one CLI command to completion. Children are killed when the test process
 * exits, so a failing test never leaves a control plane behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './golden.js';

export const MESHPLANE_BIN = join(REPO_ROOT, 'bin', 'meshplane.js');
const READY_MARK = '"msg":"control plane ready"';
const DEFAULT_DEADLINE_MS = 20_000;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ReadyLine {
  readonly msg: string;
  readonly api: string;
  readonly [field: string]: unknown;
}

export interface MeshplaneProcess {
  readonly child: ChildProcess;
  /** The parsed ready line. */
  readonly ready: ReadyLine;
  /** The ready line exactly as printed, newline included. */
  readonly readyText: string;
  readonly apiUrl: string;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (SIGTERM) and waits for the exit; SIGKILL if it has not exited by the deadline. */
  stop(signal?: NodeJS.Signals): Promise<ExitResult>;
}

export interface SpawnOptions {
  /** Extra environment; MESHPLANE_* variables of the test runner itself are never passed on. */
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: string;
  readonly deadlineMs?: number;
}

function childEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MESHPLANE_')) env[k] = v;
  return { ...env, ...extra };
}

function spawnMeshplane(args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(process.execPath, [MESHPLANE_BIN, ...args], { cwd: REPO_ROOT, env: childEnv(options.env), stdio: 'pipe' });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.stdin?.end(options.stdin ?? '');
  return child;
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { stdout: () => out, stderr: () => err };
}

/** Resolves when the child has exited and its output streams are drained. */
function exited(child: ChildProcess, output: { stdout: () => string; stderr: () => string }): Promise<ExitResult> {
  return new Promise((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null): void =>
      resolve({ code, signal, stdout: output.stdout(), stderr: output.stderr() });
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode, child.signalCode);
    else child.once('close', done);
  });
}

async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(onTimeout())), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one `meshplane` command to completion (killed at the deadline). */
export async function runMeshplane(args: readonly string[], options: SpawnOptions = {}): Promise<ExitResult> {
  const child = spawnMeshplane(args, options);
  const output = collect(child);
  const deadline = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  try {
    return await withDeadline(exited(child, output), deadline, () => `meshplane ${args.join(' ')} did not finish within ${deadline} ms\nstdout: ${output.stdout()}\nstderr: ${output.stderr()}`);
  } finally {
    child.kill('SIGKILL');
  }
}

/** Starts `meshplane run ARGS` and waits for its ready line. */
export async function startMeshplane(args: readonly string[], options: SpawnOptions = {}): Promise<MeshplaneProcess> {
  const child = spawnMeshplane(['run', ...args], options);
  const output = collect(child);
  const deadline = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const readyText = await withDeadline(
    new Promise<string>((resolve, reject) => {
      const look = (): void => {
        const line = output.stdout().split('\n').find((l) => l.includes(READY_MARK));
        if (line !== undefined) resolve(`${line}\n`);
      };
      child.stdout?.on('data', look);
      child.once('exit', (code, signal) =>
        reject(new Error(`meshplane run exited (code ${code}, signal ${signal}) before it was ready\nstdout: ${output.stdout()}\nstderr: ${output.stderr()}`)),
      );
    }),
    deadline,
    () => `meshplane run was not ready within ${deadline} ms\nstdout: ${output.stdout()}\nstderr: ${output.stderr()}`,
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  const ready = JSON.parse(readyText) as ReadyLine;
  const exit = exited(child, output);
  return {
    child,
    ready,
    readyText,
    apiUrl: ready.api,
    stdout: output.stdout,
    stderr: output.stderr,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      try {
        return await withDeadline(exit, deadline, () => `meshplane run did not exit within ${deadline} ms of ${signal}`);
      } finally {
        child.kill('SIGKILL');
      }
    },
  };
}
