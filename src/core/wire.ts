/**
 * Kuma's universal format, both shapes: the older kinds are flat (fields beside type/name/mesh),
 * the newer carry `spec:` and a read-only `status:`. `parseDocument` reads a user's document;
 * `toWire` writes a stored resource the way Kuma's REST API shows it (same key order).
 */
import type { KindDescriptor } from './descriptor.js';
import { formatKri, kriOf } from './kri.js';
import { findKindByName, allKindNames } from './registry.js';
import type { Labels, Resource } from './resource.js';
import { isPlainObject } from './schema.js';
import type { Violation } from './violations.js';

/** Fields on every document that are read-only or meta, never part of the flat body. */
const META_FIELDS = new Set(['type', 'name', 'mesh', 'labels', 'creationTime', 'modificationTime']);
const READ_ONLY_SPEC_SHAPE_FIELDS = new Set(['status', 'kri', 'snis']);

export interface ParsedDocument {
  readonly kind: KindDescriptor;
  readonly name: string;
  /** '' when the document did not say (callers default it from the URL or the CLI flag). */
  readonly mesh: string;
  readonly labels: Labels;
  /** `spec` for the newer kinds; every non-meta field for the flat kinds. */
  readonly body: unknown;
  readonly warnings: string[];
}

export type ParseResult = { ok: true; doc: ParsedDocument } | { ok: false; violations: Violation[] };

export function parseDocument(doc: unknown): ParseResult {
  if (!isPlainObject(doc)) {
    return { ok: false, violations: [{ field: '', message: 'a resource must be an object with type, name and spec' }] };
  }
  const violations: Violation[] = [];
  const type = doc.type;
  let kind: KindDescriptor | undefined;
  if (typeof type !== 'string' || type === '') {
    violations.push({ field: 'type', message: 'must be defined' });
  } else {
    kind = findKindByName(type);
    if (!kind) violations.push({ field: 'type', message: `unknown kind ${JSON.stringify(type)}; known kinds: ${allKindNames().join(', ')}` });
  }
  if (doc.name === undefined || doc.name === null || doc.name === '') violations.push({ field: 'name', message: 'must be defined' });
  else if (typeof doc.name !== 'string') violations.push({ field: 'name', message: 'must be a string' });
  if (doc.mesh !== undefined && doc.mesh !== null && typeof doc.mesh !== 'string') violations.push({ field: 'mesh', message: 'must be a string' });
  const labels: Labels = {};
  if (doc.labels !== undefined && doc.labels !== null) {
    if (!isPlainObject(doc.labels)) violations.push({ field: 'labels', message: 'must be a map of strings' });
    else {
      for (const [k, v] of Object.entries(doc.labels)) {
        if (typeof v !== 'string') violations.push({ field: `labels[${JSON.stringify(k)}]`, message: 'must be a string' });
        else labels[k] = v;
      }
    }
  }
  if (violations.length > 0 || !kind) return { ok: false, violations };

  const warnings: string[] = [];
  let body: unknown;
  if (kind.shape === 'flat') {
    const flat: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) if (!META_FIELDS.has(k)) flat[k] = v;
    body = flat;
  } else {
    body = doc.spec ?? {};
    for (const k of Object.keys(doc)) {
      if (!META_FIELDS.has(k) && k !== 'spec' && !READ_ONLY_SPEC_SHAPE_FIELDS.has(k)) warnings.push(`${k}: unknown field, ignored`);
    }
  }
  const mesh = kind.scope === 'Mesh' && typeof doc.mesh === 'string' ? doc.mesh : '';
  return { ok: true, doc: { kind, name: doc.name as string, mesh, labels, body, warnings } };
}

export function toWire(kind: KindDescriptor, r: Resource): Record<string, unknown> {
  const out: Record<string, unknown> = { type: r.type };
  if (kind.scope === 'Mesh') out.mesh = r.mesh;
  out.name = r.name;
  out.creationTime = r.creationTime;
  out.modificationTime = r.modificationTime;
  if (Object.keys(r.labels).length > 0) out.labels = sortedLabels(r.labels);
  // Kuma 2.14 shows a KRI on every item (e.g. `kri_m____m2_` for a Mesh).
  out.kri = formatKri(kriOf(kind.shortName, r));
  if (kind.computedFields) Object.assign(out, kind.computedFields(r));
  if (kind.shape === 'flat') {
    Object.assign(out, r.spec as Record<string, unknown>);
    return out;
  }
  out.spec = r.spec;
  if (kind.hasStatus) out.status = { ...(kind.emptyStatus?.() as object | undefined), ...(r.status as object | undefined) };
  return out;
}

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
