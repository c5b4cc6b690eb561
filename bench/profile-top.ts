/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time and
 * the most total (inclusive) time, with file:line, as percentages of the sampled time.
 * Usage: node dist/bench/profile-top.js FILE.cpuprofile [count]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly fn: string;
  readonly selfPct: number;
  readonly totalPct: number;
}

function label(n: ProfileNode): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/dist\//, '').replace(/^.*\/node_modules\//, 'nm/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
}

export function summarise(profile: CpuProfile, count: number): { self: ProfileLine[]; total: ProfileLine[]; sampledMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfTime = new Map<number, number>();
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    sampled += dt;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
  });
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const node = byId.get(id);
    if (!node) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const l = label(n);
      if (seen.has(l)) continue; // recursion counts once
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + t);
    }
  }
  const top = (m: Map<string, number>, other: Map<string, number>, selfFirst: boolean): ProfileLine[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([fn, t]) => {
        const o = other.get(fn) ?? 0;
        const [s, tot] = selfFirst ? [t, o] : [o, t];
        return { fn, selfPct: Math.round((s / sampled) * 1000) / 10, totalPct: Math.round((tot / sampled) * 1000) / 10 };
      });
  return { self: top(self, total, true), total: top(total, self, false), sampledMs: Math.round(sampled / 1000) };
}

const isMain = process.argv[1]?.endsWith('profile-top.js') ?? false;
if (isMain) {
  const [file, countText] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-top.js FILE.cpuprofile [count]\n');
    process.exit(2);
  }
  const result = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(countText ?? 25));
  process.stdout.write(`sampled ${result.sampledMs} ms\n\nself%  total%  function (by self time)\n`);
  for (const l of result.self) process.stdout.write(`${String(l.selfPct).padStart(5)}  ${String(l.totalPct).padStart(6)}  ${l.fn}\n`);
  process.stdout.write('\nself%  total%  function (by total time)\n');
  for (const l of result.total) process.stdout.write(`${String(l.selfPct).padStart(5)}  ${String(l.totalPct).padStart(6)}  ${l.fn}\n`);
}
