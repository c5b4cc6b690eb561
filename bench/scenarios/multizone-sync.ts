/**
 * East -> global -> west sync latency of a new MeshService, with three real `meshplane run`
 * processes on 127.0.0.1 (the compiled CLI in dist/, so build first): one MeshService at a time
 * is PUT to east's REST API, then the clock stops when (1) global's REST API has it under its
 * hashed name, (2) west's REST API has its copy, (3) west's DNS answers its hostname
 * `<name>.svc.east.mesh.local` with west's own VIP (`dig`), and, after a DELETE in east, (4) west's
 * REST API no longer has it. Every wait polls the REST API or DNS with a deadline; no sleeps.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { hashedName } from '../../src/kds/hash-name.js';
import { REPO_ROOT } from '../../test/support/golden.js';
import { dig, exclusiveMesh, getResource, Multizone, put, rest } from '../../test/support/multizone.js';

type Row = Record<string, string | number>;

const DEADLINE_MS = 10_000;
/** Between two polls, so the poller does not starve the processes it measures (also the resolution). */
const POLL_PAUSE_MS = 1;

interface Sample {
  readonly global: number;
  readonly westRest: number;
  readonly westDns: number;
  readonly westDelete: number;
}

export async function run(opts: { quick: boolean }): Promise<{ name: string; rows: Row[]; notes: string[] }> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('multizone-sync runs the compiled meshplane (dist/); run `npx tsc -p .` first');
  }
  const creates = opts.quick ? 10 : 100;
  const stores: ('sqlite' | 'memory')[] = opts.quick ? ['sqlite'] : ['sqlite', 'memory'];
  const rows: Row[] = [];
  const load = `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs when it started`;
  let p99Dns = 0;
  for (const store of stores) {
    const samples = await measure(store, creates);
    for (const [stage, pick] of STAGES) {
      const values = samples.map(pick);
      rows.push({ store, stage, n: values.length, p50_ms: round(quantile(values, 0.5)), p99_ms: round(quantile(values, 0.99)), max_ms: round(Math.max(...values)) });
    }
    if (store === 'sqlite') p99Dns = quantile(samples.map((s) => s.westDns), 0.99);
  }
  return {
    name: 'multizone-sync',
    rows,
    notes: [
      `Three processes (global, east, west), SQLite files unless the row says memory; ${creates} MeshServices created one after another in east (2 warm-up creates not counted); ${load}, and the three processes share those CPUs.`,
      'Each time is from the start of the PUT in east; stages: global REST shows it, west REST shows the copy, west DNS answers <name>.svc.east.mesh.local, west REST no longer has it after a DELETE in east.',
      `Measured by polling REST/DNS with ${POLL_PAUSE_MS} ms pauses, so each figure carries up to ~${POLL_PAUSE_MS + 1} ms of polling error (dig spawns a process per query, a few ms more).`,
      `Goal (DESIGN.md): zone-to-zone sync of a new MeshService under 500 ms on loopback; west DNS p99 with SQLite ${round(p99Dns)} ms: ${p99Dns < 500 ? 'met' : 'missed'}.`,
    ],
  };
}

const STAGES: [string, (s: Sample) => number][] = [
  ['east -> global (REST)', (s) => s.global],
  ['east -> west (REST)', (s) => s.westRest],
  ['east -> west (DNS answer, west VIP)', (s) => s.westDns],
  ['east delete -> west gone (REST)', (s) => s.westDelete],
];

async function measure(store: 'sqlite' | 'memory', creates: number): Promise<Sample[]> {
  const m = await Multizone.start({ flatNetwork: false, memory: store === 'memory', extraArgs: ['--log-level', 'warn'] });
  try {
    await exclusiveMesh(m);
    const samples: Sample[] = [];
    for (let i = 0; i < creates + 2; i++) {
      const sample = await once(m, `sync-${store}-${i}`);
      if (i >= 2) samples.push(sample);
    }
    return samples;
  } finally {
    await m.stop();
  }
}

async function once(m: Multizone, name: string): Promise<Sample> {
  const synced = `/meshes/default/meshservices/${hashedName('default', name, ['east'], { maxLength: 63 })}`;
  const doc = { type: 'MeshService', mesh: 'default', name, spec: { selector: { dataplaneTags: { 'kuma.io/service': name } }, ports: [{ port: 80, targetPort: 8080 }] } };
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  await put(m.api('east'), `/meshes/default/meshservices/${name}`, doc);
  const onGlobal = poll(`${name} on global`, async () => (await getResource(m.api('global'), synced)) !== undefined).then(elapsed);
  const inWest = poll(`${name} in west`, async () => (await getResource(m.api('west'), synced)) !== undefined).then(elapsed);
  const answered = poll(`${name} in west's DNS`, async () => (await dig(m.dns('west'), `${name}.svc.east.mesh.local`)).length > 0).then(elapsed);
  const [global, westRest, westDns] = await Promise.all([onGlobal, inWest, answered]);
  const deleted = performance.now();
  const answer = await rest(m.api('east'), 'DELETE', `/meshes/default/meshservices/${name}`);
  if (answer.status !== 200) throw new Error(`DELETE ${name} in east: ${answer.status}`);
  await poll(`${name} gone from west`, async () => (await getResource(m.api('west'), synced)) === undefined);
  return { global, westRest, westDns, westDelete: performance.now() - deleted };
}

/** Re-checks `done` until it holds; fails after DEADLINE_MS naming `what`. */
async function poll(what: string, done: () => Promise<boolean>): Promise<void> {
  const end = performance.now() + DEADLINE_MS;
  while (!(await done())) {
    if (performance.now() > end) throw new Error(`multizone-sync: no ${what} within ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_PAUSE_MS));
  }
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
