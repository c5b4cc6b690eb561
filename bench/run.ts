/**
 * `npm run bench [-- --quick] [-- --only NAME[,NAME]]`: runs every scenario module in
 * bench/scenarios/ (each exports `run({quick})`), prints a table per scenario, and writes
 * bench/results/<timestamp>-<scenario>.json with the rows, the notes, the command and the machine
 * (CPUs, model, memory, Node version, load average before and after). A scenario that fails is
 * reported and the others still run; the exit code is 1 if any failed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isScenarioModule, type Row, type ScenarioResult } from './scenario.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '..', '..');
const RESULTS = join(REPO, 'bench', 'results');

export interface Machine {
  readonly cpus: number;
  readonly model: string;
  readonly memoryGb: number;
  readonly freeMemoryGb: number;
  readonly node: string;
  readonly os: string;
  readonly loadAverage: readonly number[];
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGb: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The commit measured, with `+changes` when the work tree differs from it; `unknown` outside git. */
export function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/** A plain-text table: one column per key (in first-seen order), right-aligned numbers. */
export function formatTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (r: Row, c: string): string => (r[c] === undefined ? '' : String(r[c]));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (values: string[], numeric: boolean[]): string =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const numericColumn = columns.map((c) => rows.every((r) => r[c] === undefined || typeof r[c] === 'number'));
  return [
    line(columns, numericColumn),
    line(widths.map((w) => '-'.repeat(w)), numericColumn),
    ...rows.map((r) => line(columns.map((c) => cell(r, c)), numericColumn.map((n, i) => n && typeof r[columns[i] ?? ''] === 'number'))),
  ].join('\n');
}

function parseArgs(argv: readonly string[]): { quick: boolean; only: string[] | undefined } {
  let quick = false;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--only') only = (argv[++i] ?? '').split(',').filter((s) => s !== '');
    else if (a?.startsWith('--only=')) only = a.slice('--only='.length).split(',').filter((s) => s !== '');
    else throw new Error(`unknown argument ${JSON.stringify(a)}; use --quick and/or --only NAME[,NAME]`);
  }
  return { quick, only };
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const available = readdirSync(join(HERE, 'scenarios'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => basename(f, '.js'))
    .sort();
  const unknown = (only ?? []).filter((n) => !available.includes(n));
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')}; there are: ${available.join(', ')}`);
  const chosen = only ? available.filter((n) => only.includes(n)) : available;
  const args = [...(quick ? ['--quick'] : []), ...(only ? ['--only', only.join(',')] : [])];
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  mkdirSync(RESULTS, { recursive: true });
  const startedAll = Date.now();
  const m = machine();
  const rev = revision();
  process.stdout.write(`machine: ${m.cpus} x ${m.model}, ${m.memoryGb} GiB, node ${m.node}, ${m.os}, load ${m.loadAverage.join(' ')}; revision ${rev}\n`);
  let failed = 0;
  for (const name of chosen) {
    const started = Date.now();
    const loadBefore = loadavg();
    process.stdout.write(`\n== ${name}${quick ? ' (quick)' : ''} ==\n`);
    try {
      const mod: unknown = await import(`./scenarios/${name}.js`);
      if (!isScenarioModule(mod)) throw new Error(`bench/scenarios/${name} does not export run({quick})`);
      const result: ScenarioResult = await mod.run({ quick });
      const durationMs = Date.now() - started;
      process.stdout.write(`${formatTable(result.rows)}\n`);
      for (const n of result.notes) process.stdout.write(`  - ${n}\n`);
      process.stdout.write(`  (${(durationMs / 1000).toFixed(1)} s)\n`);
      const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
      const file = join(RESULTS, `${stamp}-${result.name}.json`);
      const record = { scenario: result.name, quick, command, revision: rev, startedAt: new Date(started).toISOString(), durationMs, machine: { ...machine(), loadAverageBefore: loadBefore }, rows: result.rows, notes: result.notes };
      writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
      process.stdout.write(`  -> ${file.slice(REPO.length + 1)}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`  FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  process.stdout.write(`\n${chosen.length - failed}/${chosen.length} scenarios in ${((Date.now() - startedAll) / 1000).toFixed(1)} s\n`);
  return failed > 0 ? 1 : 0;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
