/**
 * The bad-document corpus (test/corpus/bad-documents/*.yaml) through the REST API: every entry is
 * PUT to the URL for its kind and must be refused with 400 listing exactly its violations, the
 * server must keep answering, and the store must be exactly as before.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { findKindByName, KINDS } from '../../src/core/registry.js';
import { parseDocument } from '../../src/core/wire.js';
import { REPO_ROOT } from '../support/golden.js';
import { exportStore, type Harness, startHarness } from './api-harness.js';

const CORPUS_DIR = join(REPO_ROOT, 'test', 'corpus', 'bad-documents');
const MIN_ENTRIES = 50;

interface Entry {
  readonly title: string;
  readonly doc: unknown;
  readonly violations: readonly { readonly field: string; readonly message: string }[];
}

function loadCorpus(): { file: string; entries: Entry[] }[] {
  if (!existsSync(CORPUS_DIR)) return [];
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const entries = parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as unknown;
      assert.ok(Array.isArray(entries), `${file} must be a YAML list of {title, doc, violations}`);
      return { file, entries: entries as Entry[] };
    });
}

/** The URL a client would PUT this document to (see envelope.yaml's header for the fallbacks). */
export function urlFor(doc: unknown): string {
  const d = (typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>;
  const kind = (typeof d.type === 'string' ? findKindByName(d.type) : undefined) ?? findKindByName('MeshService');
  assert.ok(kind);
  const name = typeof d.name === 'string' && d.name !== '' ? d.name : 'unnamed';
  const mesh = typeof d.mesh === 'string' && d.mesh !== '' ? d.mesh : 'default';
  const enc = encodeURIComponent;
  return kind.scope === 'Mesh' ? `/meshes/${enc(mesh)}/${kind.plural}/${enc(name)}` : `/${kind.plural}/${enc(name)}`;
}

const corpus = loadCorpus();
const total = corpus.reduce((n, f) => n + f.entries.length, 0);

describe('bad-document corpus through PUT', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ zone: 'default' });
    const seed = parseDocument({
      type: 'MeshService',
      mesh: 'default',
      name: 'corpus-existing-service',
      spec: { selector: { dataplaneTags: { app: 'existing' } }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    assert.ok(seed.ok);
    await h.manager.apply(seed.doc);
  });
  after(async () => h.close());

  it(`holds at least ${MIN_ENTRIES} entries once every kind has its validator`, (t) => {
    const stubs = KINDS.filter((k) => k.specSchema.kind === 'any').map((k) => k.name);
    if (stubs.length > 0 && total < MIN_ENTRIES) {
      t.diagnostic(`corpus has ${total} entries; kinds still without a validator: ${stubs.join(', ')}`);
      return;
    }
    assert.ok(total >= MIN_ENTRIES, `the corpus has ${total} entries, fewer than ${MIN_ENTRIES}`);
  });

  for (const { file, entries } of corpus) {
    describe(file, () => {
      for (const entry of entries) {
        it(entry.title, async () => {
          const d = entry.doc as Record<string, unknown> | null;
          if (typeof d === 'object' && d !== null && !('name' in d)) {
            assert.fail(`entry has no name; the REST API takes a missing name from the URL, so write name: "" instead`);
          }
          const before = await exportStore(h.store);
          const answer = await h.request('PUT', urlFor(entry.doc), JSON.stringify(entry.doc));
          assert.equal(answer.status, 400, answer.text);
          const body = answer.json as { invalid_parameters?: unknown };
          assert.deepEqual(
            body.invalid_parameters,
            entry.violations.map((v) => ({ field: v.field, reason: v.message })),
          );
          assert.equal(await exportStore(h.store), before, 'the store changed');
          assert.equal((await h.request('GET', '/')).status, 200, 'the server stopped answering');
        });
      }
    });
  }
});
