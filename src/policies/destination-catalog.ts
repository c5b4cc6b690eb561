/**
 * The destinations of one mesh that references can name: every MeshService and
 * MeshMultiZoneService, with what resolution compares (display name, zone and namespace labels,
 * labels, ports by section name). Built once per mesh; lookups by name are indexed.
 */
import { displayName } from '../core/kri.js';
import type { Labels, Resource } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';

export type DestinationKind = 'MeshService' | 'MeshMultiZoneService';
export const DESTINATION_KINDS: readonly DestinationKind[] = ['MeshService', 'MeshMultiZoneService'];

export interface CatalogPort {
  readonly port: number;
  /** The port's name, or its number as text when unnamed (Kuma's section name). */
  readonly sectionName: string;
  readonly appProtocol: string;
}

export interface CatalogEntry {
  readonly kind: DestinationKind;
  readonly resource: Resource;
  readonly displayName: string;
  /** The `kuma.io/zone` label, '' when absent. */
  readonly zone: string;
  /** The `k8s.kuma.io/namespace` label, '' when absent. */
  readonly namespace: string;
  readonly ports: readonly CatalogPort[];
}

interface PortsSpec {
  readonly ports?: readonly { readonly name?: string; readonly port: number; readonly appProtocol?: string }[];
}

/** `MeshService:backend`: one key per destination resource (core name), used across policies and xDS. */
export function destinationId(kind: string, name: string): string {
  return `${kind}:${name}`;
}

export function entryId(e: CatalogEntry): string {
  return destinationId(e.kind, e.resource.name);
}

export function catalogEntryOf(kind: DestinationKind, r: Resource): CatalogEntry {
  const ports = ((r.spec as PortsSpec | undefined)?.ports ?? []).map((p) => ({
    port: p.port,
    sectionName: p.name ? p.name : String(p.port),
    appProtocol: p.appProtocol || 'tcp',
  }));
  return {
    kind,
    resource: r,
    displayName: displayName(r),
    zone: r.labels[LABEL.zone] ?? '',
    namespace: r.labels[LABEL.namespace] ?? '',
    ports,
  };
}

/** The port a section names: its section name, or (Kuma) its number written as text. */
export function portBySection(entry: CatalogEntry, section: string): CatalogPort | undefined {
  return entry.ports.find((p) => p.sectionName === section) ?? entry.ports.find((p) => String(p.port) === section);
}

export function hasLabels(have: Labels, wanted: Readonly<Record<string, string>>): boolean {
  for (const k in wanted) if (have[k] !== wanted[k]) return false;
  return true;
}

export class DestinationCatalog {
  private readonly byKind = new Map<DestinationKind, CatalogEntry[]>();
  private readonly byDisplayName = new Map<string, CatalogEntry[]>();
  private readonly byId = new Map<string, CatalogEntry>();

  constructor(meshServices: readonly Resource[], multiZoneServices: readonly Resource[]) {
    const add = (kind: DestinationKind, r: Resource): void => {
      const e = catalogEntryOf(kind, r);
      this.byKind.set(kind, [...(this.byKind.get(kind) ?? []), e]);
      const key = `${kind}\u0000${e.displayName}`;
      this.byDisplayName.set(key, [...(this.byDisplayName.get(key) ?? []), e]);
      this.byId.set(entryId(e), e);
    };
    for (const r of meshServices) add('MeshService', r);
    for (const r of multiZoneServices) add('MeshMultiZoneService', r);
  }

  ofKind(kind: DestinationKind): readonly CatalogEntry[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Every destination of the kind whose display name is `name` (any zone, any namespace). */
  named(kind: DestinationKind, name: string): readonly CatalogEntry[] {
    return this.byDisplayName.get(`${kind}\u0000${name}`) ?? [];
  }

  /** Every destination of the kind carrying all the labels (a subset match). */
  labelled(kind: DestinationKind, labels: Readonly<Record<string, string>>): CatalogEntry[] {
    return this.ofKind(kind).filter((e) => hasLabels(e.resource.labels, labels));
  }

  byKey(kind: DestinationKind, name: string): CatalogEntry | undefined {
    return this.byId.get(destinationId(kind, name));
  }
}

export function isDestinationKind(kind: string | undefined): kind is DestinationKind {
  return kind === 'MeshService' || kind === 'MeshMultiZoneService';
}
