/**
 * Summarises a V8 .heapsnapshot (from `v8.writeHeapSnapshot()`, e.g. a case run with
 * `heapSnapshot` set): retained-by-nobody-in-particular, just the self size of every object grouped
 * by constructor (or node type for strings, arrays, code), largest first.
 * Usage: node dist/bench/heap-top.js FILE.heapsnapshot [count]
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[], ...unknown[]] } };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

export function heapTop(snapshot: HeapSnapshot, count: number): { group: string; count: number; bytes: number }[] {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt] ?? 0] ?? '?';
    const name = snapshot.strings[snapshot.nodes[i + nameAt] ?? 0] ?? '';
    const group = type === 'object' || type === 'closure' ? `${type} ${name}` : type;
    const g = groups.get(group) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += snapshot.nodes[i + sizeAt] ?? 0;
    groups.set(group, g);
  }
  return [...groups].map(([group, g]) => ({ group, ...g })).sort((a, b) => b.bytes - a.bytes).slice(0, count);
}

const isMain = process.argv[1]?.endsWith('heap-top.js') ?? false;
if (isMain) {
  const [file, countText] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: heap-top.js FILE.heapsnapshot [count]\n');
    process.exit(2);
  }
  const top = heapTop(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot, Number(countText ?? 25));
  const total = top.reduce((n, g) => n + g.bytes, 0);
  process.stdout.write(`top ${top.length} groups: ${(total / 2 ** 20).toFixed(1)} MB\n     MB     count  group\n`);
  for (const g of top) process.stdout.write(`${(g.bytes / 2 ** 20).toFixed(2).padStart(7)}  ${String(g.count).padStart(8)}  ${g.group}\n`);
}
