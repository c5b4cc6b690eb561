/**
 * Where a resource flows between global and zones, and what it looks like when it arrives
 * (semantics 7.2, 7.3; traffic 6.1-6.3). Pure, and driven only by each kind's descriptor:
 *
 * - zone -> global: kinds with `sync.zoneToGlobal`, only resources that originated in the zone
 *   (no `kuma.io/origin`, or `zone`); labels `kuma.io/origin: zone` and `kuma.io/zone: <zone>`
 *   are set, the grace-period label dropped, the name hashed; status travels with it.
 * - global -> zones: global-origin resources of kinds with `sync.globalToZones`, and zone-origin
 *   resources of kinds with `sync.zoneToOtherZones` (never to their own zone, never while their
 *   zone is disabled, policies only with the `producer` role); `kuma.io/origin: global` is set,
 *   status removed, the name hashed again (same inputs, so the same name as on global).
 *
 * Names: kinds whose descriptor says `sync.keepName` keep their name when sent from global (Kuma's
 * `SkipKDSHash`: Mesh); everything else gets `hashedName(mesh, displayName, zone?, namespace?)`, limited to 63
 * characters for kinds whose name is a DNS label (see hash-name.ts).
 *
 * Besides the registry's kinds, the sync carries its own internal `FlatEndpoints` records
 * (flat-endpoints.ts): sent by a zone only when it runs on a flat network, and passed by global
 * only to zones that said in their hello that they do too.
 *
 * A resource whose synced form would be invalid (a name or label value that is not a DNS label,
 * kuma#12653) is refused here, where it originates, with every violation, instead of being sent
 * and breaking the receiver's stream.
 */
import type { ControlPlaneMode } from '../core/admission.js';
import type { KindDescriptor } from '../core/descriptor.js';
import { dns1035LabelErrors, dns1123LabelErrors, resourceNameErrors } from '../core/dns-names.js';
import { KINDS } from '../core/registry.js';
import type { Labels, NewResource } from '../core/resource.js';
import type { Violation } from '../core/violations.js';
import { LABEL } from '../core/well-known-labels.js';
import { FLAT_ENDPOINTS_TYPE, flatEndpointsDescriptor } from './flat-endpoints.js';
import { DNS_LABEL_LIMIT, hashedName, RESOURCE_NAME_LIMIT } from './hash-name.js';

/** `kuma.io/kds-sync: disabled` keeps one resource out of the sync. */
export const KDS_SYNC_LABEL = 'kuma.io/kds-sync';

export type SyncOutcome =
  | { readonly action: 'send'; readonly resource: NewResource }
  | { readonly action: 'skip'; readonly reason: string }
  | { readonly action: 'refuse'; readonly violations: readonly Violation[] };

export interface ZoneSideOptions {
  /** Label key prefixes never sent to global (Kuma: `multizone.zone.kds.labels.skipPrefixes`). */
  readonly skipLabelPrefixes?: readonly string[];
  /** This zone runs on a flat network: its FlatEndpoints records are sent. */
  readonly flatNetwork?: boolean;
}

export interface GlobalSideOptions {
  /** Whether a zone's Zone resource is enabled; absent means enabled (as Kuma when the lookup fails). */
  readonly isZoneEnabled?: (zone: string) => boolean;
  /** Label key prefixes never sent to zones (Kuma: `multizone.global.kds.labels.skipPrefixes`). */
  readonly skipLabelPrefixes?: readonly string[];
  /** The receiving zone said it runs on a flat network: FlatEndpoints records are sent to it. */
  readonly targetFlatNetwork?: boolean;
}

/** Everything that travels: the registry's kinds, then the sync's own FlatEndpoints records. */
export const SYNCED_KINDS: readonly KindDescriptor[] = [...KINDS, flatEndpointsDescriptor];

const syncedKindByName = new Map(SYNCED_KINDS.map((k) => [k.name, k]));

/** A kind the sync knows (the registry's, or FlatEndpoints). */
export function findSyncedKind(type: string): KindDescriptor | undefined {
  return syncedKindByName.get(type);
}

/** A control plane created this resource itself (it was not received through the sync). */
export function isLocallyOriginated(labels: Labels, mode: ControlPlaneMode): boolean {
  const origin = labels[LABEL.origin];
  return origin === undefined || origin === mode;
}

/** Kuma's SkipKDSHash, from the descriptor (Mesh). */
export function keepsNameInZones(kind: KindDescriptor): boolean {
  return kind.sync.keepName === true;
}

/** Kinds a zone sends to global. */
export function kindsSentByZone(kinds: readonly KindDescriptor[]): KindDescriptor[] {
  return kinds.filter((k) => k.sync.zoneToGlobal);
}

/** Kinds global sends to zones. */
export function kindsSentByGlobal(kinds: readonly KindDescriptor[]): KindDescriptor[] {
  return kinds.filter((k) => k.sync.globalToZones || k.sync.zoneToOtherZones);
}

/** The zone-side mapping: what global receives for a zone's resource, or why it is not sent. */
export function toGlobal(resource: NewResource, zone: string, options: ZoneSideOptions = {}): SyncOutcome {
  const kind = findSyncedKind(resource.type);
  if (!kind) return skip(`unknown kind ${resource.type}`);
  if (!kind.sync.zoneToGlobal) return skip(`${kind.name} does not flow from zones to global`);
  if (resource.labels[KDS_SYNC_LABEL] === 'disabled') return skip(`labelled ${KDS_SYNC_LABEL}: disabled`);
  if (!isLocallyOriginated(resource.labels, 'zone')) return skip('a copy received from global is never sent back');
  if (kind.name === FLAT_ENDPOINTS_TYPE && options.flatNetwork !== true) return skip('this zone is not on a flat network');
  const labels = withoutPrefixes({ ...resource.labels }, options.skipLabelPrefixes);
  labels[LABEL.origin] = 'zone';
  labels[LABEL.zone] = zone;
  delete labels[LABEL.deletionGracePeriodStartedAt];
  return mapped(kind, resource, labels, true);
}

/**
 * Global's acceptance of what a zone sent: the zone label is forced to the connected zone (a zone
 * cannot claim another's resources) and the name recomputed, so a zone cannot pick its names.
 */
export function fromZone(resource: NewResource, zone: string): SyncOutcome {
  const kind = findSyncedKind(resource.type);
  if (!kind) return refuse([{ field: 'type', message: `unknown kind ${JSON.stringify(resource.type)}` }]);
  if (!kind.sync.zoneToGlobal) return refuse([{ field: 'type', message: `${kind.name} is not accepted from zones` }]);
  // The sending zone decided that it is on a flat network; global takes its records as they come.
  return toGlobal({ ...resource, labels: { ...resource.labels, [LABEL.origin]: 'zone' } }, zone, { flatNetwork: true });
}

/** The global-side mapping: what zone `targetZone` receives for a resource on global, or why not. */
export function toZone(resource: NewResource, targetZone: string, options: GlobalSideOptions = {}): SyncOutcome {
  const kind = findSyncedKind(resource.type);
  if (!kind) return skip(`unknown kind ${resource.type}`);
  if (resource.labels[KDS_SYNC_LABEL] === 'disabled') return skip(`labelled ${KDS_SYNC_LABEL}: disabled`);
  if (isLocallyOriginated(resource.labels, 'global')) {
    if (!kind.sync.globalToZones) return skip(`${kind.name} created on global does not flow to zones`);
  } else {
    if (!kind.sync.zoneToOtherZones) return skip(`${kind.name} from a zone does not flow to other zones`);
    const owner = resource.labels[LABEL.zone] ?? '';
    if (owner === targetZone) return skip(`never sent back to its own zone ${targetZone}`);
    if (kind.isPolicy && resource.labels[LABEL.policyRole] !== 'producer') return skip('only producer policies flow to other zones');
    if (owner !== '' && options.isZoneEnabled && !options.isZoneEnabled(owner)) return skip(`zone ${owner} is disabled`);
    if (kind.name === FLAT_ENDPOINTS_TYPE && options.targetFlatNetwork !== true) return skip(`zone ${targetZone} is not on a flat network`);
  }
  const labels = withoutPrefixes({ ...resource.labels }, options.skipLabelPrefixes);
  labels[LABEL.origin] = 'global';
  return mapped(kind, resource, labels, false);
}

/** A zone's acceptance of what global sent: a kind global sends, marked global, a valid name, no status. */
export function fromGlobal(resource: NewResource): SyncOutcome {
  const kind = findSyncedKind(resource.type);
  if (!kind) return refuse([{ field: 'type', message: `unknown kind ${JSON.stringify(resource.type)}` }]);
  if (!kind.sync.globalToZones && !kind.sync.zoneToOtherZones) {
    return refuse([{ field: 'type', message: `${kind.name} is not accepted from global` }]);
  }
  const labels = { ...resource.labels, [LABEL.origin]: 'global' };
  const violations = syncedNameViolations(kind, resource.name, labels);
  if (violations.length > 0) return refuse(violations);
  return { action: 'send', resource: { type: kind.name, mesh: scopedMesh(kind, resource.mesh), name: resource.name, labels, spec: resource.spec } };
}

/** The name a resource has once synced (the same on global and in every other zone). */
export function syncedName(kind: KindDescriptor, resource: Pick<NewResource, 'mesh' | 'name' | 'labels'>, fromGlobal: boolean): string {
  if (fromGlobal && keepsNameInZones(kind)) return resource.name;
  const extras = [resource.labels[LABEL.zone], resource.labels[LABEL.namespace]].filter((v): v is string => v !== undefined);
  const maxLength = kind.nameRule === 'dns1035' ? DNS_LABEL_LIMIT : RESOURCE_NAME_LIMIT;
  return hashedName(scopedMesh(kind, resource.mesh), displayNameOf(resource), extras, { maxLength });
}

/** Every reason the synced form would be invalid somewhere it arrives. */
export function syncedNameViolations(kind: KindDescriptor, name: string, labels: Labels): Violation[] {
  const out: Violation[] = [];
  const at = (key: string): string => `labels[${JSON.stringify(key)}]`;
  for (const key of [LABEL.zone, LABEL.namespace]) {
    const value = labels[key];
    if (value === undefined) continue;
    for (const m of dns1123LabelErrors(value)) out.push({ field: at(key), message: `${JSON.stringify(value)} ${m}` });
  }
  if (kind.nameRule === 'dns1035') {
    const display = labels[LABEL.displayName] ?? name;
    for (const m of dns1035LabelErrors(display)) out.push({ field: at(LABEL.displayName), message: `${JSON.stringify(display)} becomes a DNS label in other zones: ${m}` });
  }
  const nameErrors = kind.nameRule === 'dns1035' ? dns1035LabelErrors(name) : resourceNameErrors(name);
  for (const m of nameErrors) out.push({ field: 'name', message: `synced name ${JSON.stringify(name)} ${m}` });
  return out;
}

function mapped(kind: KindDescriptor, resource: NewResource, labels: Labels, zoneToGlobal: boolean): SyncOutcome {
  const name = syncedName(kind, { mesh: resource.mesh, name: resource.name, labels }, !zoneToGlobal);
  if (name !== resource.name && (labels[LABEL.displayName] ?? '') === '') labels[LABEL.displayName] = resource.name;
  const violations = syncedNameViolations(kind, name, labels);
  if (violations.length > 0) return refuse(violations);
  const out: NewResource = { type: kind.name, mesh: scopedMesh(kind, resource.mesh), name, labels, spec: resource.spec };
  return { action: 'send', resource: zoneToGlobal && resource.status !== undefined ? { ...out, status: resource.status } : out };
}

function displayNameOf(r: Pick<NewResource, 'name' | 'labels'>): string {
  const d = r.labels[LABEL.displayName];
  return d === undefined || d === '' ? r.name : d;
}

function scopedMesh(kind: KindDescriptor, mesh: string): string {
  return kind.scope === 'Mesh' ? mesh : '';
}

function withoutPrefixes(labels: Record<string, string>, prefixes: readonly string[] | undefined): Record<string, string> {
  if (!prefixes || prefixes.length === 0) return labels;
  for (const k of Object.keys(labels)) if (prefixes.some((p) => k.startsWith(p))) delete labels[k];
  return labels;
}

function skip(reason: string): SyncOutcome {
  return { action: 'skip', reason };
}

function refuse(violations: Violation[]): SyncOutcome {
  return { action: 'refuse', violations };
}
