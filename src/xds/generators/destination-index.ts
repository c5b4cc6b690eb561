/**
 * The Mesh*Service destinations of a mesh, indexed by kind and local name and by label pair, and
 * the resolution of a proxy's `reachableBackends` refs through that index. Built once per
 * MeshContext (destinations.ts shares it), so a proxy listing 10 refs costs about 10 lookups, not a
 * scan of every service of the mesh per ref (docs/performance.md, xDS hotspot 6).
 * Kuma 2.x semantics: labels first (every destination of the ref's kind carrying all of them);
 * when that finds nothing, the name, read as a local identifier: the proxy's own zone, and
 * `namespace` or else the proxy's own. A MeshMultiZoneService belongs to no zone, so its name is
 * matched without one. Results keep the index's order (MeshServices, then MeshMultiZoneServices,
 * each by name).
 */
import { kriOf } from '../../core/kri.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { ReachableBackendRef } from '../../resources/dataplane/types.js';
import type { DataplaneResource } from '../proxy-context.js';
import type { ServiceDestination } from './destinations.js';
import type { GenerationNote } from './generated.js';

const SHORT_NAME_OF_KIND: Readonly<Record<string, string>> = { MeshService: 'msvc', MeshMultiZoneService: 'mzsvc' };

export class DestinationIndex {
  private readonly position = new Map<string, number>();
  private readonly byName = new Map<string, ServiceDestination[]>();
  private readonly byLabel = new Map<string, ServiceDestination[]>();
  /** How many destinations lookups have looked at: a counter for tests (it must not grow with the mesh). */
  examined = 0;

  /** `all`: every destination, in the order results come back in. */
  constructor(readonly all: readonly ServiceDestination[]) {
    all.forEach((d, i) => {
      this.position.set(d.key, i);
      const short = d.identity.shortName;
      const k = kriOf(short, d.identity);
      push(this.byName, nameKey(short, k.zone, k.namespace, k.name), d);
      for (const [label, value] of Object.entries(d.identity.labels)) push(this.byLabel, labelKey(short, label, value), d);
    });
  }

  /** Destinations of one kind (short name) carrying every label, in index order. */
  labelled(short: string, labels: Readonly<Record<string, string>>): ServiceDestination[] {
    let smallest: readonly ServiceDestination[] | undefined;
    for (const [k, v] of Object.entries(labels)) {
      const list = this.byLabel.get(labelKey(short, k, v)) ?? [];
      if (smallest === undefined || list.length < smallest.length) smallest = list;
    }
    const found = smallest ?? [];
    this.examined += found.length;
    return found.filter((d) => Object.entries(labels).every(([k, v]) => d.identity.labels[k] === v));
  }

  /** Destinations of one kind whose KRI has this zone, namespace and name. */
  named(short: string, zone: string, namespace: string, name: string): readonly ServiceDestination[] {
    const found = this.byName.get(nameKey(short, zone, namespace, name)) ?? [];
    this.examined += found.length;
    return found;
  }

  /** Orders destinations of this index as `all` does. */
  inOrder<T extends { readonly d: ServiceDestination }>(items: readonly T[]): T[] {
    const at = (x: T): number => this.position.get(x.d.key) ?? Number.MAX_SAFE_INTEGER;
    return [...items].sort((a, b) => at(a) - at(b));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function nameKey(short: string, zone: string, namespace: string, name: string): string {
  return `${short}\u0000${zone}\u0000${namespace}\u0000${name}`;
}

function labelKey(short: string, label: string, value: string): string {
  return `${short}\u0000${label}\u0000${value}`;
}

export interface Reached {
  readonly d: ServiceDestination;
  /** The section names the refs make reachable. */
  readonly sections: Set<string>;
}

/** What the refs make reachable, in index order; notes for refs that match nothing or no port. */
export function resolveRefs(dataplane: DataplaneResource, refs: readonly ReachableBackendRef[], index: DestinationIndex, notes: GenerationNote[]): Reached[] {
  const out = new Map<string, Reached>();
  refs.forEach((ref, i) => {
    const subject = `networking.transparentProxying.reachableBackends.refs[${i}]`;
    const short = SHORT_NAME_OF_KIND[ref.kind ?? ''];
    if (short === undefined) {
      notes.push({ subject, reason: `kind '${ref.kind ?? ''}' is not a destination Meshplane serves; ignored` });
      return;
    }
    const matched = matchRef(dataplane, ref, short, index);
    if (matched.length === 0) notes.push({ subject, reason: 'matches no destination' });
    for (const d of matched) {
      const ports = ref.port === undefined ? d.ports : d.ports.filter((p) => p.sectionName === String(ref.port) || p.port === ref.port);
      if (ports.length === 0) notes.push({ subject, reason: `${d.kind} '${d.identity.name}' has no port ${String(ref.port)}` });
      const reached = out.get(d.key) ?? { d, sections: new Set<string>() };
      for (const p of ports) reached.sections.add(p.sectionName);
      out.set(d.key, reached);
    }
  });
  return index.inOrder([...out.values()]);
}

function matchRef(dataplane: DataplaneResource, ref: ReachableBackendRef, short: string, index: DestinationIndex): readonly ServiceDestination[] {
  const labels = ref.labels ?? {};
  if (Object.keys(labels).length > 0) {
    const byLabels = index.labelled(short, labels);
    if (byLabels.length > 0 || !ref.name) return byLabels;
  }
  if (!ref.name) return [];
  const dpLabels = dataplane.labels;
  const namespace = ref.namespace ?? dpLabels[LABEL.namespace] ?? '';
  const zone = short === 'mzsvc' ? '' : (dpLabels[LABEL.zone] ?? '');
  return index.named(short, zone, namespace, ref.name);
}
