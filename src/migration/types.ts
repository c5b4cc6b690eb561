/**
 * The migration plan as the REST API returns it and the CLI prints it (docs/migration.md): every
 * field a UI needs, no Envoy objects. Every list is sorted, so equal inputs give equal JSON.
 */
import type { Labels } from '../core/resource.js';
import type { MeshServicesMode } from '../resources/mesh/types.js';
import type { BackendRef } from '../resources/shared/target-ref.js';

/** The modes `migrate` moves to; going back to Disabled is what `migrate rollback` is for. */
export const MIGRATION_TARGETS = ['Everywhere', 'ReachableBackends', 'Exclusive'] as const;
export type MigrationTarget = (typeof MIGRATION_TARGETS)[number];

export function isMigrationTarget(value: unknown): value is MigrationTarget {
  return typeof value === 'string' && (MIGRATION_TARGETS as readonly string[]).includes(value);
}

/** Where the plan is computed: a global control plane (sees every zone), or a standalone zone. */
export type PlanSite = { readonly kind: 'global' } | { readonly kind: 'standalone'; readonly zone: string };

export interface PortSummary {
  readonly port: number;
  /** The port's name, or its number when unnamed (the section name). */
  readonly name: string;
  readonly appProtocol: string;
}

/** One MeshService that stands for a `kuma.io/service` in one zone (there now, or to be generated). */
export interface ZoneMeshService {
  readonly zone: string;
  /** Its name in its own zone. */
  readonly name: string;
  /** Its name where the plan runs, when that differs (global stores zones' services hash-suffixed). */
  readonly siteName?: string;
  /** `exists`: in the store now; `generated`: the zone's generator makes it once the mode allows. */
  readonly state: 'exists' | 'generated';
  readonly ports: readonly PortSummary[];
}

export type RecommendedKind = 'MeshService' | 'MeshMultiZoneService';

export interface Recommendation {
  readonly kind: RecommendedKind;
  readonly reason: string;
  /** MeshMultiZoneService: its name and whether it exists already. */
  readonly name?: string;
  readonly exists?: boolean;
}

export interface ServicePlan {
  /** The `kuma.io/service` value. */
  readonly service: string;
  readonly zones: readonly string[];
  readonly dataplanes: number;
  readonly meshServices: readonly ZoneMeshService[];
  /** Port disagreements: between Dataplanes of one zone, or between zones. */
  readonly portConflicts: readonly string[];
  /** Why no MeshService can stand for it somewhere (invalid name, a hand-made one in the way, ...). */
  readonly problems: readonly string[];
  readonly recommendation: Recommendation;
}

/** A reference as written in a route or policy. */
export type Reference = BackendRef;

export interface ReferencePlan {
  /** `MeshHTTPRoute/route-backend`: the name where the plan runs. */
  readonly resource: string;
  /** `global`, or `zone <name>` for one created in a zone. */
  readonly origin: string;
  readonly field: string;
  readonly current: Reference;
  /** The reference it needs; absent when it cannot be written automatically (`problem` says why). */
  readonly rewrite?: Reference;
  /** The destination the rewrite names, in words. */
  readonly target?: string;
  readonly problem?: string;
  /** `migrate apply` can write it here (a zone's own policy must be changed on that zone). */
  readonly applicable: boolean;
  /** What the reference resolves to today, and after the migration (with the rewrite). */
  readonly today: string;
  readonly after: string;
}

export interface ResourceCounts {
  readonly LDS: number;
  readonly RDS: number;
  readonly CDS: number;
  readonly EDS: number;
  readonly total: number;
}

export type DestinationKind = 'kuma.io/service' | 'MeshService' | 'MeshMultiZoneService';

export interface DestinationSummary {
  /** `legacy:backend`, `msvc:backend`, `mzsvc:frontend`: stable within one zone. */
  readonly key: string;
  readonly kind: DestinationKind;
  /** The display name. */
  readonly name: string;
  /** The zone a MeshService belongs to. */
  readonly zone?: string;
  /** What clients dial: `hostname:port` and `vip:port`. */
  readonly addresses: readonly string[];
  /** The `kuma.io/service` instances it sends to, as `service@zone`. */
  readonly reaches: readonly string[];
}

/**
 * How a lost destination is covered after the change: `replaced` (one destination reaches all it
 * reached: clients must dial the new name), `split` (only several together do: one name no longer
 * balances across those zones), `partial` (some of it is gone), `none`.
 */
export type Coverage = 'replaced' | 'split' | 'partial' | 'none';

/** A destination that takes over (part of) what a lost one reached: what clients dial instead. */
export interface Replacement {
  readonly key: string;
  readonly kind: DestinationKind;
  readonly name: string;
  readonly zone?: string;
  readonly addresses: readonly string[];
}

export interface LostDestination extends DestinationSummary {
  readonly coverage: Coverage;
  /** The destinations that reach what it reached (all of it for `replaced`, parts otherwise). */
  readonly replacedBy: readonly Replacement[];
}

export interface ProxyPlan {
  readonly zone: string;
  readonly name: string;
  readonly before: ResourceCounts;
  readonly after: ResourceCounts;
  readonly gained: readonly DestinationSummary[];
  readonly lost: readonly LostDestination[];
}

/**
 * `safe`: no proxy loses a destination. `renames`: every lost destination has a replacement, but
 * clients that dial the old names must move first. `unsafe`: some proxy loses what it reaches.
 */
export type VerdictLevel = 'safe' | 'renames' | 'unsafe';

export interface Verdict {
  readonly level: VerdictLevel;
  readonly safe: boolean;
  readonly summary: string;
  /** Proxies that lose a destination: `zone/name: key (coverage)`. */
  readonly proxies: readonly string[];
  /** What stops `migrate apply` (without --force). */
  readonly blockers: readonly string[];
}

export type StepAction = 'set-mode' | 'create' | 'update';

export interface ApplyStep {
  readonly index: number;
  readonly phase: 'enable' | 'multizone' | 'references' | 'switch';
  readonly action: StepAction;
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
  readonly summary: string;
  /** What is written (labels and spec; for the flat Mesh kind, its fields). */
  readonly labels: Labels;
  readonly spec: unknown;
}

export interface MigrationPlan {
  readonly mesh: string;
  readonly site: string;
  readonly from: MeshServicesMode;
  readonly to: MigrationTarget;
  readonly services: readonly ServicePlan[];
  readonly references: readonly ReferencePlan[];
  readonly proxies: readonly ProxyPlan[];
  readonly totals: { readonly before: ResourceCounts; readonly after: ResourceCounts };
  readonly verdict: Verdict;
  readonly steps: readonly ApplyStep[];
  /** Proxies that would lose a destination between two steps of `migrate apply`: `after step N: ...`. */
  readonly stepLosses: readonly string[];
}
