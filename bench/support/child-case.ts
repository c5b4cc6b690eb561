/**
 * Runs one case of a scenario in a fresh child process (`node --expose-gc`), so memory figures
 * start from a clean heap and one case's garbage never lands in the next. The child is
 * bench/case.ts: it imports the scenario module, calls its `runCase(params)` and prints the result
 * as the last line of stdout. A case that does not finish in time is killed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CASE_ENTRY = fileURLToPath(new URL('../case.js', import.meta.url));

export interface ChildCaseOptions {
  readonly timeoutMs: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  readonly maxOldSpaceMb?: number;
}

export async function runChildCase<T>(scenario: string, params: unknown, options: ChildCaseOptions): Promise<T> {
  const flags = ['--expose-gc', `--max-old-space-size=${options.maxOldSpaceMb ?? 8192}`, ...(options.nodeFlags ?? [])];
  const child = spawn(process.execPath, [...flags, CASE_ENTRY, scenario, JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0) {
    const why = code === null ? `killed after ${options.timeoutMs} ms` : `exit code ${code}`;
    throw new Error(`${scenario} case ${JSON.stringify(params)} failed (${why}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${scenario} case printed no JSON result: ${last.slice(0, 200)}`);
  }
}
