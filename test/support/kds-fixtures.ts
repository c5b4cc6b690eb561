/**
 * Kuma's KDS full-sync fixtures (kuma-fixtures/kds-full-sync-mesh-service): loads a control
 * plane's input YAML into a store the way admission would leave it (spec decoded with the kind's
 * schema, so defaults such as `state: Unavailable` are filled), and turns a store back into
 * documents comparable with the golden YAML (Kuma's wire form, times left out).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KINDS } from '../../src/core/registry.js';
import type { NewResource } from '../../src/core/resource.js';
import { decode } from '../../src/core/schema.js';
import { PathBuilder } from '../../src/core/violations.js';
import { parseDocument, toWire } from '../../src/core/wire.js';
import type { ResourceStore } from '../../src/store/store.js';
import { SHARED_DIR } from './golden.js';

export const KDS_FIXTURE_DIR = join(SHARED_DIR, 'kuma-fixtures', 'kds-full-sync-mesh-service');

export type Doc = Record<string, unknown>;

/** Every non-empty YAML document of a fixture file. */
export function readFixtureDocs(file: string): Doc[] {
  const text = readFileSync(join(KDS_FIXTURE_DIR, file), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Doc => d !== null && typeof d === 'object');
}

/** A fixture document as the store would hold it; throws when the fixture does not parse. */
export function fixtureResource(doc: Doc): NewResource {
  const parsed = parseDocument(doc);
  if (!parsed.ok) throw new Error(`fixture document does not parse: ${JSON.stringify(parsed.violations)}`);
  const { kind, name, mesh, labels, body } = parsed.doc;
  const path = kind.shape === 'spec' ? PathBuilder.of('spec') : PathBuilder.root();
  const decoded = decode(kind.specSchema, body, path);
  if (decoded.violations.length > 0) throw new Error(`fixture spec is invalid: ${JSON.stringify(decoded.violations)}`);
  const status = kind.hasStatus && doc.status !== undefined ? { status: doc.status } : {};
  return { type: kind.name, mesh: kind.scope === 'Mesh' ? mesh : '', name, labels, spec: decoded.value, ...status };
}

export async function loadFixture(store: ResourceStore, file: string): Promise<void> {
  for (const doc of readFixtureDocs(file)) await store.create(fixtureResource(doc));
}

/** Everything of the known kinds in the store, in Kuma's wire form without the two times. */
export async function dumpStore(store: ResourceStore): Promise<Doc[]> {
  const out: Doc[] = [];
  for (const kind of KINDS) {
    for (const r of (await store.list({ type: kind.name })).items) out.push(withoutTimes(toWire(kind, r)));
  }
  return sortDocs(out);
}

export function withoutTimes(doc: Doc): Doc {
  const { creationTime: _c, modificationTime: _m, ...rest } = doc;
  return rest;
}

export function sortDocs(docs: Doc[]): Doc[] {
  const key = (d: Doc): string => `${String(d.type)}/${String(d.mesh ?? '')}/${String(d.name)}`;
  return [...docs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
