/**
 * The `meshplane get` table of any kind: NAME, MESH (mesh-scoped kinds), the descriptor's own
 * columns, then AGE. Items arrive in Kuma's wire format and are read back into the model the
 * descriptor's column functions expect.
 */
import type { KindDescriptor } from '../../core/descriptor.js';
import type { Labels, Resource } from '../../core/resource.js';
import type { WireItem } from '../api-client.js';
import { formatAge } from './age.js';
import { renderTable } from './table.js';

/** Wire fields that are not part of a flat kind's body. */
const FLAT_META = new Set(['type', 'name', 'mesh', 'labels', 'creationTime', 'modificationTime']);

export function resourceFromWire(kind: KindDescriptor, item: WireItem): Resource {
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const labels = (typeof item.labels === 'object' && item.labels !== null ? item.labels : {}) as Labels;
  let spec: unknown = item.spec ?? {};
  if (kind.shape === 'flat') spec = Object.fromEntries(Object.entries(item).filter(([k]) => !FLAT_META.has(k)));
  return {
    type: text(item.type) || kind.name,
    mesh: text(item.mesh),
    name: text(item.name),
    labels,
    creationTime: text(item.creationTime),
    modificationTime: text(item.modificationTime),
    version: 0,
    spec,
    ...(item.status !== undefined ? { status: item.status } : {}),
  };
}

export function resourceTable(kind: KindDescriptor, items: readonly WireItem[], now: Date): string {
  const meshScoped = kind.scope === 'Mesh';
  const headers = ['NAME', ...(meshScoped ? ['MESH'] : []), ...kind.columns.map((c) => c.header), 'AGE'];
  const rows = items.map((item) => {
    const r = resourceFromWire(kind, item);
    return [r.name, ...(meshScoped ? [r.mesh] : []), ...kind.columns.map((c) => c.value(r)), formatAge(new Date(r.creationTime), now)];
  });
  return renderTable(headers, rows);
}
