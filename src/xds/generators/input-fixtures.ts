/**
 * For tests: resources written in Kuma's universal format (YAML documents) turned into stored
 * resources through the real admission path (defaults, validation, computed labels, as a zone
 * control plane `zone-1` would store them), with `status` kept as written, and a read-only view
 * over them. Internal `LegacyVip` records (no REST kind) are taken as written.
 */
import { parseAllDocuments } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import { keyString, type Resource, type ResourceKey } from '../../core/resource.js';
import { parseDocument } from '../../core/wire.js';
import { LABEL } from '../../core/well-known-labels.js';
import { LEGACY_VIP_TYPE } from '../../ipam/legacy-vip-records.js';
import type { ResourceView } from '../proxy-context.js';

export const FIXTURE_ADMISSION: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };
const FIXTURE_TIME = '2025-01-01T00:00:00Z';

export function resourcesFromYaml(text: string, ctx: AdmissionContext = FIXTURE_ADMISSION): Resource[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null)
    .map((doc) => resourceFromDocument(doc, ctx));
}

/** A document may set `creationTime` (which one of several is oldest matters to backendRefs). */
export function resourceFromDocument(doc: Record<string, unknown>, ctx: AdmissionContext = FIXTURE_ADMISSION): Resource {
  const created = typeof doc.creationTime === 'string' ? doc.creationTime : FIXTURE_TIME;
  const stamp = { creationTime: created, modificationTime: created, version: 1 };
  if (doc.type === LEGACY_VIP_TYPE) {
    return { type: LEGACY_VIP_TYPE, mesh: String(doc.mesh), name: String(doc.name), labels: {}, spec: doc.spec, ...stamp };
  }
  const parsed = parseDocument(doc);
  if (!parsed.ok) throw new Error(`fixture ${String(doc.type)} '${String(doc.name)}': ${JSON.stringify(parsed.violations)}`);
  const { kind, name, mesh, labels, body } = parsed.doc;
  // A resource synced from global (or another zone through it) is stored as global made it.
  const admission: AdmissionContext = labels[LABEL.origin] === 'global' ? { ...ctx, mode: 'global' } : ctx;
  try {
    const { resource } = admit({ kind, name, mesh, labels, body }, admission);
    // Synced copies keep the labels their zone computed (display name included).
    const kept = admission === ctx ? resource.labels : labels;
    return { ...resource, labels: kept, ...stamp, ...(doc.status === undefined ? {} : { status: doc.status }) };
  } catch (e) {
    if (e instanceof ValidationError) throw new Error(`fixture ${kind.name} '${name}' is not valid: ${JSON.stringify(e.violations)}`);
    throw e;
  }
}

/** A fixed set of resources behind the ResourceCache's read methods. */
export class StaticView implements ResourceView {
  private readonly byKey = new Map<string, Resource>();

  constructor(resources: Iterable<Resource>) {
    for (const r of resources) this.byKey.set(keyString(r), r);
  }

  list(type: string, mesh?: string): Resource[] {
    return [...this.byKey.values()].filter((r) => r.type === type && (mesh === undefined || r.mesh === mesh));
  }

  get(key: ResourceKey): Resource | undefined {
    return this.byKey.get(keyString(key));
  }
}
