/**
 * A kind descriptor is data about one resource kind. Everything generic (REST routes, the CLI,
 * admission, later multi-zone sync) reads descriptors instead of switching on kind names.
 */
import type { Labels, Resource } from './resource.js';
import type { Schema } from './schema.js';
import type { Violation } from './violations.js';

export type Scope = 'Mesh' | 'Global';

/** What validators see: the decoded body of a resource, before it is stored. */
export interface ValidationInput<Spec = unknown> {
  readonly name: string;
  readonly mesh: string;
  readonly labels: Labels;
  readonly spec: Spec;
}

/** Which way a kind flows between a global control plane and its zones (used by multi-zone sync). */
export interface SyncRule {
  /** Created on global and copied to every zone (read-only there). */
  readonly globalToZones: boolean;
  /** Created in a zone and copied to global. */
  readonly zoneToGlobal: boolean;
  /** Zone-origin resources that global passes on to every other zone (MeshService). */
  readonly zoneToOtherZones: boolean;
  /**
   * Sent to zones under its own name, not a hash-suffixed one (Kuma's `SkipKDSHash`: Mesh). Only
   * for kinds whose names must mean the same thing everywhere; absent means hashed.
   */
  readonly keepName?: boolean;
}

export interface TableColumn {
  readonly header: string;
  readonly value: (r: Resource) => string;
}

export interface KindDescriptor<Spec = unknown> {
  /** Kuma's type name, e.g. `MeshService`. */
  readonly name: string;
  /** Kuma's short name used in KRIs, e.g. `msvc`. */
  readonly shortName: string;
  readonly scope: Scope;
  /** REST path segment, e.g. `meshservices`. */
  readonly plural: string;
  /** CLI names: `meshplane get <plural>` or `<singular> NAME`; aliases such as `msvc`. */
  readonly cli: { readonly singular: string; readonly plural: string; readonly aliases: readonly string[] };
  /** `flat`: fields beside type/name/mesh (Mesh, Dataplane, Zone, ZoneIngress); `spec`: under `spec:`. */
  readonly shape: 'flat' | 'spec';
  readonly hasStatus: boolean;
  readonly isPolicy: boolean;
  /** A destination for traffic (MeshService, MeshMultiZoneService). */
  readonly isDestination: boolean;
  readonly sync: SyncRule;
  /** `dns1035`: the name becomes a DNS label and must be an RFC 1035 label of at most 63 chars. */
  readonly nameRule: 'resource' | 'dns1035';
  /** Structure, types, enums and defaults of the spec (flat kinds: of the fields beside the meta). */
  readonly specSchema: Schema;
  /** Semantic rules beyond the schema; all violations at once. */
  validate(input: ValidationInput<Spec>): Violation[];
  /** Non-fatal remarks returned with a successful write. */
  warnings?(input: ValidationInput<Spec>): string[];
  /** Columns after NAME (and MESH) in `meshplane get` tables. */
  readonly columns: readonly TableColumn[];
  /** Read-only fields shown after `kri`, before `spec` (MeshService: `snis`). */
  readonly computedFields?: (r: Resource) => Record<string, unknown>;
  /** The status a resource shows before any controller wrote one (Kuma: `{tls: {}, dataplaneProxies: {}}`). */
  readonly emptyStatus?: () => unknown;
}

export function isMeshScoped(d: KindDescriptor): boolean {
  return d.scope === 'Mesh';
}
