/**
 * Reference resolution, the one path every route and policy uses (traffic doc 4.2, 4.4, 5.1;
 * Kuma 2.x semantics):
 * - `labels`: every MeshService (or MeshMultiZoneService) carrying all of them, in any zone.
 * - `name` (+ `namespace`): a local identifier. A MeshService matches when its display name is the
 *   name, its zone is the referring resource's own `kuma.io/zone` label and its namespace is
 *   `namespace` or else the referrer's. A MeshMultiZoneService belongs to no zone, so its name is
 *   matched without one (Kuma 2.x matches nothing there, kuma#13769; we do what users expect).
 * - Kuma's compatibility form `<service>_<namespace>_svc[_<port>]` (kind MeshService, no
 *   sectionName) becomes labels `kuma.io/display-name` + `k8s.kuma.io/namespace`, plus the port.
 * - Policies (`to[].targetRef`) select many; `sectionName` keeps the services that have a port of
 *   that section name (its name, or its number when unnamed).
 * - `backendRefs` select exactly one: of several label matches the oldest by creationTime (then
 *   name), and the pick is reported. The port is `sectionName`, else `port`, looked up by name or
 *   number; with neither, a single-port service uses its port and a multi-port one is unresolved.
 * Resolution never throws: what resolves to nothing comes back with the reason, in words a user
 * can act on.
 */
import type { Labels } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';
import type { BackendRef, TargetRef } from '../resources/shared/target-ref.js';
import { type CatalogEntry, type CatalogPort, type DestinationCatalog, type DestinationKind, isDestinationKind, portBySection } from './destination-catalog.js';

/** The resource that holds the reference: its mesh and labels decide what a name means. */
export interface RefOrigin {
  readonly mesh: string;
  readonly labels: Labels;
}

export interface ResolvedTarget {
  readonly entry: CatalogEntry;
  /** The port's section name when the reference named a port; absent for the whole service. */
  readonly sectionName?: string;
}

/**
 * Why a reference resolved to nothing: `unsupported` (a kind Meshplane has no destinations of),
 * `missing` (no such destination), `no-port` (it exists but has no such port), `which-port` (a
 * portless backendRef to a service with several ports).
 */
export type ProblemCode = 'unsupported' | 'missing' | 'no-port' | 'which-port';

export interface RefProblem {
  readonly code: ProblemCode;
  readonly reason: string;
}

export type TargetResolution =
  | { readonly scope: 'mesh' }
  | { readonly scope: 'destinations'; readonly targets: readonly ResolvedTarget[]; readonly problem?: RefProblem };

export type BackendResolution =
  | { readonly ok: true; readonly entry: CatalogEntry; readonly port: CatalogPort; readonly remark?: string }
  | ({ readonly ok: false } & RefProblem);

const COMPAT_NAME = /^([^_]+)_([^_]+)_svc(?:_(\d+))?$/;

/** How a reference reads in messages: `MeshService 'backend'`, `MeshService {team=a}`. */
export function describeRef(ref: TargetRef | undefined): string {
  const kind = ref?.kind || 'Mesh';
  if (ref?.labels && Object.keys(ref.labels).length > 0) {
    return `${kind} {${Object.entries(ref.labels).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
  }
  return ref?.name ? `${kind} '${ref.name}'${ref.namespace ? ` in namespace '${ref.namespace}'` : ''}` : kind;
}

function hasAny(labels: Readonly<Record<string, string>> | undefined): labels is Readonly<Record<string, string>> {
  return labels !== undefined && Object.keys(labels).length > 0;
}

interface Candidates {
  readonly matched: readonly CatalogEntry[];
  /** Same display name elsewhere (another zone or namespace): named in the explanation. */
  readonly elsewhere: readonly CatalogEntry[];
  /** The compatibility form fixed a port number. */
  readonly portNumber?: number;
}

function candidates(kind: DestinationKind, ref: TargetRef, origin: RefOrigin, catalog: DestinationCatalog): Candidates {
  if (hasAny(ref.labels)) return { matched: catalog.labelled(kind, ref.labels), elsewhere: [] };
  const name = ref.name ?? '';
  const compat = kind === 'MeshService' && !ref.sectionName ? COMPAT_NAME.exec(name) : null;
  if (compat) {
    const [, svc = '', namespace = '', port] = compat;
    const matched = catalog.labelled(kind, { [LABEL.displayName]: svc, [LABEL.namespace]: namespace });
    return { matched, elsewhere: [], ...(port === undefined ? {} : { portNumber: Number(port) }) };
  }
  const all = catalog.named(kind, name);
  const namespace = ref.namespace || origin.labels[LABEL.namespace] || '';
  const zone = kind === 'MeshMultiZoneService' ? undefined : (origin.labels[LABEL.zone] ?? '');
  const isLocal = (e: CatalogEntry): boolean => e.namespace === namespace && (zone === undefined || e.zone === zone);
  return { matched: all.filter(isLocal), elsewhere: all.filter((e) => !isLocal(e)) };
}

/** Why a name or labels matched nothing, with a way out when the service exists elsewhere. */
function noMatch(kind: DestinationKind, ref: TargetRef, origin: RefOrigin, c: Candidates): string {
  if (hasAny(ref.labels)) return `no ${kind} in mesh '${origin.mesh}' has the labels ${JSON.stringify(ref.labels)}`;
  if (c.elsewhere.length === 0) return `${kind} '${ref.name ?? ''}' does not exist in mesh '${origin.mesh}'`;
  const zone = origin.labels[LABEL.zone] ?? '';
  const where = c.elsewhere.map((e) => `zone '${e.zone}'${e.namespace ? `, namespace '${e.namespace}'` : ''}`).join('; ');
  const first = c.elsewhere[0];
  const labels = first ? `{${LABEL.displayName}: ${first.displayName}, ${LABEL.zone}: ${first.zone}}` : '';
  const here = zone ? `zone '${zone}', where this resource was created` : 'no zone (this resource was created on a global control plane)';
  return `a name refers to a ${kind} of ${here}; '${ref.name ?? ''}' exists only in ${where}: select it with labels ${labels}`;
}

/** A policy's `to[].targetRef`: every destination it names (many for labels). */
export function resolveTargetRef(ref: TargetRef | undefined, origin: RefOrigin, catalog: DestinationCatalog): TargetResolution {
  const kind = ref?.kind ?? 'Mesh';
  if (kind === 'Mesh') return { scope: 'mesh' };
  if (ref === undefined || !isDestinationKind(kind)) {
    return { scope: 'destinations', targets: [], problem: { code: 'unsupported', reason: `${kind} is not a destination Meshplane serves; this entry applies to nothing` } };
  }
  const c = candidates(kind, ref, origin, catalog);
  if (c.matched.length === 0) return { scope: 'destinations', targets: [], problem: { code: 'missing', reason: noMatch(kind, ref, origin, c) } };
  const section = ref.sectionName;
  if (c.portNumber !== undefined) {
    const number = c.portNumber;
    const targets = c.matched.flatMap((entry) => entry.ports.filter((p) => p.port === number).map((p) => ({ entry, sectionName: p.sectionName })));
    return targets.length > 0 ? { scope: 'destinations', targets } : { scope: 'destinations', targets, problem: { code: 'no-port', reason: `no matching ${kind} has port ${number}` } };
  }
  if (!section) return { scope: 'destinations', targets: c.matched.map((entry) => ({ entry })) };
  const targets = c.matched.filter((e) => e.ports.some((p) => p.sectionName === section)).map((entry) => ({ entry, sectionName: section }));
  if (targets.length > 0) return { scope: 'destinations', targets };
  const reason = `${describeRef(ref)} has no port with section name '${section}' (${portList(c.matched)})`;
  return { scope: 'destinations', targets, problem: { code: 'no-port', reason } };
}

function portList(entries: readonly CatalogEntry[]): string {
  const sections = [...new Set(entries.flatMap((e) => e.ports.map((p) => p.sectionName)))];
  return sections.length === 0 ? 'it has no ports' : `its ports: ${sections.join(', ')}; an unnamed port's section name is its number`;
}

/** A route's backendRef: exactly one destination port, or the reason there is none. */
export function resolveBackendRef(ref: BackendRef, origin: RefOrigin, catalog: DestinationCatalog): BackendResolution {
  const kind = ref.kind ?? '';
  if (!isDestinationKind(kind)) return { ok: false, code: 'unsupported', reason: `${kind || 'a backendRef without kind'} is not a destination Meshplane serves` };
  const c = candidates(kind, ref, origin, catalog);
  if (c.matched.length === 0) return { ok: false, code: 'missing', reason: noMatch(kind, ref, origin, c) };
  const sorted = [...c.matched].sort(oldestFirst);
  const entry = sorted[0] as CatalogEntry;
  const remark =
    sorted.length > 1
      ? `${describeRef(ref)} matches ${sorted.length} ${kind}s (${sorted.map((e) => e.resource.name).join(', ')}); a backendRef takes one: the oldest, '${entry.resource.name}'`
      : undefined;
  const section = ref.sectionName || (ref.port !== undefined ? String(ref.port) : c.portNumber !== undefined ? String(c.portNumber) : '');
  let port: CatalogPort | undefined;
  if (section !== '') {
    port = portBySection(entry, section);
    if (port === undefined) return { ok: false, code: 'no-port', reason: `${kind} '${entry.resource.name}' has no port ${section} (${portList([entry])})` };
  } else if (entry.ports.length === 1) {
    port = entry.ports[0];
  } else {
    const reason = `${kind} '${entry.resource.name}' has ${entry.ports.length} ports (${portList([entry])}): say which with port or sectionName`;
    return { ok: false, code: entry.ports.length === 0 ? 'no-port' : 'which-port', reason };
  }
  if (port === undefined) return { ok: false, code: 'no-port', reason: `${kind} '${entry.resource.name}' has no ports` };
  return { ok: true, entry, port, ...(remark === undefined ? {} : { remark }) };
}

function oldestFirst(a: CatalogEntry, b: CatalogEntry): number {
  const ta = a.resource.creationTime;
  const tb = b.resource.creationTime;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.resource.name < b.resource.name ? -1 : a.resource.name > b.resource.name ? 1 : 0;
}
