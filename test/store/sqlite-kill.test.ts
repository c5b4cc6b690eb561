/**
 * Atomicity under kill -9: a real child process writes to a SQLite file in a tight loop and is
 * SIGKILLed at random moments; after each kill the file is reopened and every resource must be
 * whole (exactly one value the writer could have committed, at a consistent version), the file
 * must pass `PRAGMA integrity_check`, and no write the child reported as committed may be lost.
 * The same file is used across all rounds, so each round also writes on top of a recovered file.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { CRASH_MESH, CRASH_TYPE, crashName, crashWrite, READY_LINE, WROTE_LINE } from './crash-writes.js';

const ROUNDS = 6;
const DEADLINE_MS = 30_000;

/** The writer beside this file: compiled .js under dist, or the .ts source when run with tsx. */
function writerCommand(file: string, seed: number): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./sqlite-crash-writer.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return [...(fromSource ? ['--import', 'tsx'] : []), script, file, String(seed)];
}

interface Round {
  /** Highest `wrote N` line the child printed before it died. */
  readonly lastReported: number;
  readonly readyTotal: number;
}

/** Starts the writer, kills it after `killAfter` committed writes, and waits until it is gone. */
async function runAndKill(file: string, seed: number, killAfter: number): Promise<Round> {
  const child = spawn(process.execPath, writerCommand(file, seed), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const linesDone = new Promise<void>((resolve) => lines.once('close', () => resolve()));
  let readyTotal: number | undefined;
  let lastReported = -1;
  let seen = 0;
  let killed = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`writer made no progress within ${DEADLINE_MS} ms: ${stderr}`)), DEADLINE_MS);
    child.once('exit', (code, signal) => {
      if (!killed) reject(new Error(`writer exited by itself (code ${code}, signal ${signal}): ${stderr}`));
    });
    lines.on('line', (line) => {
      const ready = READY_LINE.exec(line);
      const wrote = WROTE_LINE.exec(line);
      if (ready) readyTotal = Number(ready[1]);
      if (wrote) lastReported = Number(wrote[1]);
      if (wrote && ++seen === killAfter) {
        killed = true;
        child.kill('SIGKILL');
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await Promise.all([closed, linesDone]);
  assert.equal(child.signalCode, 'SIGKILL');
  assert.ok(readyTotal !== undefined, 'writer never printed its ready line');
  return { lastReported, readyTotal };
}

/** Checks the file after a kill; returns the number of committed writes it holds. */
async function checkFile(file: string, round: Round, context: string): Promise<number> {
  const raw = new Database(file);
  try {
    assert.deepEqual(raw.pragma('integrity_check'), [{ integrity_check: 'ok' }], context);
  } finally {
    raw.close();
  }
  const store = new SqliteStore(file);
  try {
    const { items, total } = await store.list({ type: CRASH_TYPE, mesh: CRASH_MESH });
    assert.equal(items.length, total, context);
    const names = new Set(items.map((r) => r.name));
    // Creates are sequential, so the names present are exactly svc-0 .. svc-(n-1).
    for (let i = 0; i < items.length; i++) assert.ok(names.has(crashName(i)), `${context}: ${crashName(i)} missing`);
    let writes = 0;
    for (const r of items) {
      const expected = crashWrite(r.name, r.version);
      assert.deepEqual(
        { labels: r.labels, spec: r.spec, status: r.status },
        { labels: expected.labels, spec: expected.spec, status: expected.status },
        `${context}: ${r.name} at version ${r.version} is not what the writer wrote`,
      );
      assert.ok(r.creationTime <= r.modificationTime, `${context}: ${r.name} times out of order`);
      writes += r.version;
    }
    // Everything reported is there; at most the one write between commit and print is extra.
    assert.ok(writes >= round.lastReported, `${context}: lost writes (${writes} < reported ${round.lastReported})`);
    assert.ok(writes <= round.lastReported + 1, `${context}: ${writes} writes but only ${round.lastReported} reported`);
    return writes;
  } finally {
    await store.close();
  }
}

describe('SqliteStore under kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-kill-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every resource whole across ${ROUNDS} kills at random moments`, async () => {
    const file = join(dir, 'kill.db');
    const seed = Date.now() >>> 0;
    let state = seed;
    let committed = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      const killAfter = 20 + (state % 400);
      const context = `round ${round}, seed ${seed}, kill after ${killAfter} writes`;
      const result = await runAndKill(file, state, killAfter);
      assert.equal(result.readyTotal, committed, `${context}: writer resumed from a different state`);
      assert.ok(result.lastReported >= committed + killAfter, context);
      committed = await checkFile(file, result, context);
    }
  });
});
