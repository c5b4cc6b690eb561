/**
 * Child process for the kill -9 test: opens the SqliteStore on argv[2] and writes forever
 * (creates up to MAX_RESOURCES, then updates), printing `wrote <total>` after every commit, where
 * total is the sum of all versions in the file (= committed writes, as nothing is deleted).
 * Lines go out with writeSync so a printed line always means the write had committed.
 * Run: node sqlite-crash-writer.js FILE SEED
 */
import { writeSync } from 'node:fs';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { CRASH_MESH, CRASH_TYPE, crashName, crashWrite, MAX_RESOURCES } from './crash-writes.js';

const [file, seedText] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: sqlite-crash-writer FILE SEED');

let state = Number(seedText ?? '1') >>> 0 || 1;
function random(): number {
  // xorshift32: reproducible from the seed the test prints.
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
}

const store = new SqliteStore(file);
const versions = new Map<string, number>();
for (const r of (await store.list({ type: CRASH_TYPE, mesh: CRASH_MESH })).items) versions.set(r.name, r.version);
let total = [...versions.values()].reduce((a, b) => a + b, 0);
writeSync(1, `ready ${total}\n`);

for (;;) {
  if (versions.size < MAX_RESOURCES && (versions.size === 0 || random() < 0.3)) {
    const name = crashName(versions.size);
    await store.create(crashWrite(name, 1));
    versions.set(name, 1);
  } else {
    const name = crashName(Math.floor(random() * versions.size));
    const version = versions.get(name) ?? 0;
    await store.update({ ...crashWrite(name, version + 1), version });
    versions.set(name, version + 1);
  }
  total += 1;
  writeSync(1, `wrote ${total}\n`);
}
