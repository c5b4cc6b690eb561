/**
 * The Mesh*Service destinations of a mesh, with lookups by kind and local name and by label, and
 * the resolution of a proxy's `reachableBackends` refs through them. One per MeshContext
 * (destinations.ts shares it); the name index and each label key's index are built when a ref
 * first needs them, and a destination when first reached, so a proxy listing 10 refs costs about
 * 10 lookups, not a scan of every service per ref (docs/performance.md, xDS hotspot 6).
 * Kuma 2.x semantics: labels first (every destination of the ref's kind carrying all of them);
 * when that finds nothing, the name, read as a local identifier: the proxy's own zone, and
 * `namespace` or else the proxy's own. A MeshMultiZoneService belongs to no zone, so its name is
 * matched without one. Results keep the index's order (MeshServices, then MeshMultiZoneServices,
 * each by name).
 */
import { kriOf } from '../../core/kri.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { ReachableBackendRef } from '../../resources/dataplane/types.js';
import type { DataplaneResource, MeshServiceResource, MultiZoneServiceResource } from '../proxy-context.js';
import type { ServiceDestination } from './destinations.js';
import type { GenerationNote } from './generated.js';

const SHORT_NAME_OF_KIND: Readonly<Record<string, string>> = { MeshService: 'msvc', MeshMultiZoneService: 'mzsvc' };

export class DestinationIndex {
  private readonly size: number;
  private readonly built: (ServiceDestination | undefined)[];
  private readonly positions = new Map<string, number>();
  private everything: readonly ServiceDestination[] | undefined;
  private byName: Map<string, number[]> | undefined;
  /** `<short>\0<label key>` -> label value -> positions; a key is indexed when a ref first asks for it. */
  private readonly byLabel = new Map<string, Map<string, number[]>>();
  /** How many destinations lookups have looked at: a counter for tests (it must not grow with the mesh). */
  examined = 0;

  /**
   * Results come back MeshServices first, then MeshMultiZoneServices, each in the order given;
   * `destinationOf` makes a resource's destination when it is first needed.
   */
  constructor(
    private readonly meshServices: readonly MeshServiceResource[],
    private readonly multiZoneServices: readonly MultiZoneServiceResource[],
    private readonly destinationOf: (kind: 'MeshService' | 'MeshMultiZoneService', r: Service) => ServiceDestination,
  ) {
    this.size = meshServices.length + multiZoneServices.length;
    this.built = new Array<ServiceDestination | undefined>(this.size);
  }

  /** Every destination, in order. */
  get all(): readonly ServiceDestination[] {
    this.everything ??= Array.from({ length: this.size }, (_, i) => this.at(i));
    return this.everything;
  }

  /** Destinations of one kind (short name) carrying every label, in index order. */
  labelled(short: string, labels: Readonly<Record<string, string>>): ServiceDestination[] {
    let smallest: readonly number[] | undefined;
    for (const [k, v] of Object.entries(labels)) {
      const list = this.labelIndex(short, k).get(v) ?? [];
      if (smallest === undefined || list.length < smallest.length) smallest = list;
    }
    const found = smallest ?? [];
    this.examined += found.length;
    return found.map((i) => this.at(i)).filter((d) => Object.entries(labels).every(([k, v]) => d.identity.labels[k] === v));
  }

  /** Destinations of one kind whose KRI has this zone, namespace and name. */
  named(short: string, zone: string, namespace: string, name: string): ServiceDestination[] {
    this.byName ??= this.nameIndex();
    const found = this.byName.get(nameKey(short, zone, namespace, name)) ?? [];
    this.examined += found.length;
    return found.map((i) => this.at(i));
  }

  /** Orders destinations of this index as `all` does. */
  inOrder<T extends { readonly d: ServiceDestination }>(items: readonly T[]): T[] {
    const at = (x: T): number => this.position(x.d);
    return [...items].sort((a, b) => at(a) - at(b));
  }

  private at(i: number): ServiceDestination {
    const known = this.built[i];
    if (known !== undefined) return known;
    const made = this.destinationOf(this.kindAt(i), this.resourceAt(i));
    this.built[i] = made;
    this.positions.set(made.key, i);
    return made;
  }

  private position(d: ServiceDestination): number {
    return this.positions.get(d.key) ?? Number.MAX_SAFE_INTEGER;
  }

  private resourceAt(i: number): Service {
    const n = this.meshServices.length;
    return (i < n ? this.meshServices[i] : this.multiZoneServices[i - n]) as Service;
  }

  private kindAt(i: number): 'MeshService' | 'MeshMultiZoneService' {
    return i < this.meshServices.length ? 'MeshService' : 'MeshMultiZoneService';
  }

  private shortAt(i: number): string {
    return i < this.meshServices.length ? 'msvc' : 'mzsvc';
  }

  private nameIndex(): Map<string, number[]> {
    const index = new Map<string, number[]>();
    for (let i = 0; i < this.size; i++) {
      const k = kriOf(this.shortAt(i), this.resourceAt(i));
      push(index, nameKey(k.shortName, k.zone, k.namespace, k.name), i);
    }
    return index;
  }

  private labelIndex(short: string, label: string): Map<string, number[]> {
    const key = `${short}\u0000${label}`;
    let index = this.byLabel.get(key);
    if (index !== undefined) return index;
    index = new Map();
    const [from, to] = short === 'msvc' ? [0, this.meshServices.length] : [this.meshServices.length, this.size];
    for (let i = from; i < to; i++) {
      const value = this.resourceAt(i).labels[label];
      if (value !== undefined) push(index, value, i);
    }
    this.byLabel.set(key, index);
    return index;
  }
}

type Service = MeshServiceResource | MultiZoneServiceResource;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function nameKey(short: string, zone: string, namespace: string, name: string): string {
  return `${short}\u0000${zone}\u0000${namespace}\u0000${name}`;
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
