/**
 * Resolves name clashes among a proxy's generated resources, as Kuma does: of two listeners with
 * one name the later wins (a MeshService listener replaces a legacy one at the same address:port,
 * traffic doc 3.7); of two other resources with one name and different content the first stays.
 * Either way a note says so. Clashes are per (type, name), so deduping two lists with no
 * (type, name) in common one after the other gives what deduping their concatenation gives.
 */
import { isDeepStrictEqual } from 'node:util';
import { resourceTypeInfo, TYPE_URL } from '../envoy/type-urls.js';
import type { ResourceInput } from '../snapshot.js';
import type { GenerationNote } from './generated.js';

/** The name dedupe goes by ('' for none). */
export function resourceNameOf(r: ResourceInput): string {
  const field = resourceTypeInfo(r.typeUrl)?.nameField ?? 'name';
  return String(r.resource[field] ?? '');
}

/** Keeps input order: a replaced listener moves to where its replacement came. */
export function dedupeResources(resources: readonly ResourceInput[]): { resources: ResourceInput[]; notes: GenerationNote[] } {
  const byType = new Map<string, Map<string, number>>();
  const kept: (ResourceInput | undefined)[] = [];
  const notes: GenerationNote[] = [];
  for (const r of resources) {
    let positions = byType.get(r.typeUrl);
    if (positions === undefined) byType.set(r.typeUrl, (positions = new Map()));
    const name = resourceNameOf(r);
    const at = positions.get(name);
    const earlier = at === undefined ? undefined : kept[at];
    if (at === undefined || earlier === undefined || earlier.resource === r.resource) {
      if (at === undefined) positions.set(name, kept.push(r) - 1);
      else kept[at] = r;
      continue;
    }
    if (isDeepStrictEqual(earlier.resource, r.resource)) continue;
    const short = resourceTypeInfo(r.typeUrl)?.shortName ?? r.typeUrl;
    if (r.typeUrl === TYPE_URL.listener) {
      kept[at] = undefined;
      positions.set(name, kept.push(r) - 1);
      notes.push({ subject: name, reason: `two ${short} resources share this name; the later one (a Mesh*Service outbound) replaces the earlier` });
    } else {
      notes.push({ subject: name, reason: `two different ${short} resources share this name; the first is kept` });
    }
  }
  return { resources: kept.filter((r): r is ResourceInput => r !== undefined), notes };
}
