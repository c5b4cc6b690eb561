/**
 * Reads Kuma's api-server CRUD fixtures (see kuma-fixtures/README.md): requests from the leading
 * comment lines, the initial store from the YAML documents, bodies and goldens from the JSON
 * files next to them. Also seeds a store the way Kuma's test does: straight into the store,
 * without admission (no computed labels, status kept).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { decode } from '../../src/core/schema.js';
import { PathBuilder } from '../../src/core/violations.js';
import { parseDocument } from '../../src/core/wire.js';
import type { ResourceStore } from '../../src/store/store.js';

export interface FixtureRequest {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body?: unknown;
  readonly golden: unknown;
}

export interface FixtureCase {
  readonly name: string;
  readonly resources: Record<string, unknown>[];
  readonly requests: FixtureRequest[];
}

const REQUEST_LINE = /^#(\/\S*) (\d{3})(?: method=([A-Z]+))?\s*$/;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function loadFixtureCases(dir: string): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.input.yaml')).sort()) {
    const name = file.slice(0, -'.input.yaml'.length);
    const text = readFileSync(join(dir, file), 'utf8');
    const lines: { method: string; path: string; status: number }[] = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('#')) break;
      const m = REQUEST_LINE.exec(line);
      if (m?.[1] && m[2]) lines.push({ path: m[1], status: Number(m[2]), method: m[3] ?? 'GET' });
    }
    const resources = parseAllDocuments(text)
      .map((d) => d.toJSON() as unknown)
      .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null);
    const requests = lines.map((l, index) => {
      const nn = String(index).padStart(2, '0');
      const single = join(dir, `${name}.golden.json`);
      const goldenPath = lines.length === 1 && existsSync(single) ? single : join(dir, `${name}_${nn}.golden.json`);
      const bodyPath = join(dir, `${name}_${nn}.request.json`);
      return { index, ...l, golden: readJson(goldenPath), ...(existsSync(bodyPath) ? { body: readJson(bodyPath) } : {}) };
    });
    cases.push({ name, resources, requests });
  }
  return cases;
}

/**
 * Puts fixture resources into the store as they are. Spec defaults are filled (Kuma's typed
 * specs always carry them); a stored status gets the kind's empty status underneath, as Kuma's
 * typed status always shows `tls: {}` and `dataplaneProxies: {}`.
 */
export async function seedStore(store: ResourceStore, docs: readonly Record<string, unknown>[]): Promise<void> {
  for (const raw of docs) {
    const parsed = parseDocument(raw);
    if (!parsed.ok) throw new Error(`fixture document does not parse: ${JSON.stringify(parsed.violations)}`);
    const { kind, name, mesh, labels, body } = parsed.doc;
    const decoded = decode(kind.specSchema, body, kind.shape === 'spec' ? PathBuilder.of('spec') : PathBuilder.root());
    if (decoded.violations.length > 0) throw new Error(`fixture ${name} breaks the schema: ${JSON.stringify(decoded.violations)}`);
    const status = raw.status === undefined ? undefined : { ...(kind.emptyStatus?.() as object | undefined), ...(raw.status as object) };
    await store.create({
      type: kind.name,
      mesh: kind.scope === 'Mesh' ? mesh : '',
      name,
      labels,
      spec: decoded.value,
      ...(status !== undefined ? { status } : {}),
    });
  }
}

const TIME_FIELDS = new Set(['creationTime', 'modificationTime']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Removes creationTime/modificationTime everywhere, returning the times it removed so the caller
 * can check they are valid timestamps.
 */
export function withoutTimes(value: unknown, found: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutTimes(v, found));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (TIME_FIELDS.has(k)) found.push(String(v));
    else out[k] = withoutTimes(v, found);
  }
  return out;
}

export function isTimestamp(s: string): boolean {
  return RFC3339.test(s) && !Number.isNaN(Date.parse(s));
}
