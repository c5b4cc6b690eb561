/**
 * Universal generation of MeshServices from Dataplane inbounds, Kuma 2.x style (semantics A.3,
 * 2.3-2.6): one MeshService per `kuma.io/service` value, selector `dataplaneTags`, one port per
 * distinct inbound port. Pure: the controller feeds it a mesh's resources and applies the plan.
 *
 * Where Meshplane deliberately differs from Kuma:
 * - an update touches only spec.selector/ports, labels and our PortConflict condition, so
 *   spec.state, identities and the status (VIPs!) survive (Q1);
 * - a MeshService we do not manage that has the name is never touched and is reported as
 *   skipped instead of a create failing on every pass (Q3);
 * - an unknown inbound protocol becomes tcp with a reason (Q2);
 * - port conflicts become a status condition naming the Dataplanes, not only a log line;
 * - an unnamed inbound agrees with a named one on the same port (the name is filled in), and
 *   ports are kept sorted by number, so inbound order alone never makes a conflict.
 */
import { dns1035LabelErrors } from '../../core/dns-names.js';
import type { Labels, NewResource, Resource, ResourceKey } from '../../core/resource.js';
import { LABEL, PROTOCOL_TAG, SERVICE_TAG } from '../../core/well-known-labels.js';
import type { UpdateRequest } from '../../store/store.js';
import { type DataplaneSpec, inboundsOf } from '../dataplane/types.js';
import type { MeshServicesMode } from '../mesh/types.js';
import { APP_PROTOCOLS, type HostnameGeneratorCondition, type MeshServicePort, type MeshServiceSpec, type MeshServiceStatus } from './types.js';
import { validateMeshService } from './validate.js';

export const MANAGED_BY_GENERATOR = 'meshservice-generator';
export const PORT_CONFLICT = 'PortConflict';
export const DEFAULT_DELETION_GRACE_PERIOD_MS = 60 * 60 * 1000;

export type MeshServiceResource = Resource<MeshServiceSpec, MeshServiceStatus>;

export interface GenerateInput {
  readonly mesh: string;
  readonly mode: MeshServicesMode;
  readonly zone: string;
  /** Dataplanes of this mesh. */
  readonly dataplanes: readonly Resource<DataplaneSpec>[];
  /** MeshServices of this mesh, whoever made them. */
  readonly existing: readonly MeshServiceResource[];
  readonly now: Date;
  readonly gracePeriodMs?: number;
  /**
   * Plan only these `kuma.io/service` values (and MeshServices of these names). Each service is
   * planned from its own Dataplanes and MeshService alone, so a plan over some services says for
   * them exactly what a plan over the whole mesh would.
   */
  readonly services?: ReadonlySet<string>;
}

export type SkipKind = 'InvalidServiceName' | 'NotManagedByGenerator' | 'UnsupportedProtocol' | 'DuplicatePortName' | 'InvalidSpec';

export interface Skipped {
  readonly kind: SkipKind;
  readonly service: string;
  readonly dataplanes: string[];
  readonly reason: string;
}

export interface PortConflict {
  readonly service: string;
  readonly dataplanes: string[];
  readonly message: string;
}

export interface GenerationPlan {
  readonly create: NewResource<MeshServiceSpec, MeshServiceStatus>[];
  readonly update: { readonly resource: UpdateRequest<MeshServiceSpec, MeshServiceStatus>; readonly reasons: string[] }[];
  readonly delete: { readonly key: ResourceKey; readonly version: number; readonly reason: string }[];
  readonly conflicts: PortConflict[];
  readonly skipped: Skipped[];
  /** The earliest grace-period expiry still pending: run again then. */
  readonly nextRunAt?: Date;
  /** Every pending grace-period expiry, by MeshService name (epoch ms). */
  readonly deadlines: ReadonlyMap<string, number>;
}

/** One port as a Dataplane offers it; `name` only when the inbound names it. */
interface OfferedPort {
  readonly port: number;
  readonly name?: string;
  readonly appProtocol: string;
}

interface Offer {
  readonly dataplane: string;
  readonly ports: OfferedPort[];
}

export function isLocal(r: { readonly labels: Labels }): boolean {
  const origin = r.labels[LABEL.origin];
  return origin === undefined || origin === 'zone';
}

export function isGenerated(r: { readonly labels: Labels }): boolean {
  return isLocal(r) && r.labels[LABEL.managedBy] === MANAGED_BY_GENERATOR;
}

export function generateMeshServices(input: GenerateInput): GenerationPlan {
  const deadlines = new Map<string, number>();
  const plan = { create: [], update: [], delete: [], conflicts: [], skipped: [], deadlines } as Mutable<GenerationPlan>;
  const skipped = new SkipCollector();
  const grace = input.gracePeriodMs ?? DEFAULT_DELETION_GRACE_PERIOD_MS;
  const enabled = input.mode !== 'Disabled';
  const only = input.services;
  const offers = enabled ? collectOffers(input.dataplanes, skipped, only) : new Map<string, Offer[]>();
  const existing = only ? input.existing.filter((ms) => only.has(ms.name)) : input.existing;

  for (const ms of [...existing].sort((a, b) => cmp(a.name, b.name))) {
    const entries = offers.get(ms.name);
    offers.delete(ms.name);
    if (!isGenerated(ms)) {
      if (entries) {
        const who = isLocal(ms) ? 'not managed by the generator' : `synced from zone ${JSON.stringify(ms.labels[LABEL.zone] ?? '')}`;
        skipped.add('NotManagedByGenerator', ms.name, entries.map((e) => e.dataplane), `MeshService ${JSON.stringify(ms.name)} already exists and is ${who}; it is left untouched`);
      }
      continue;
    }
    if (!enabled) {
      plan.delete.push({ key: keyOf(ms), version: ms.version, reason: `meshServices.mode of mesh ${JSON.stringify(input.mesh)} is Disabled` });
      continue;
    }
    if (entries) {
      planUpdate(input, ms, entries, plan, skipped);
      continue;
    }
    const started = graceStartOf(ms);
    if (started === undefined) {
      const labels = { ...ms.labels, [LABEL.deletionGracePeriodStartedAt]: input.now.toISOString() };
      const status = withCondition(ms.status, PORT_CONFLICT, undefined);
      plan.update.push({ resource: updateOf(ms, labels, ms.spec, status), reasons: ['deletion grace period started: no Dataplane has this kuma.io/service'] });
      deadlines.set(ms.name, input.now.getTime() + grace + 1);
    } else if (input.now.getTime() - started > grace) {
      plan.delete.push({ key: keyOf(ms), version: ms.version, reason: 'deletion grace period ended with no Dataplane for this kuma.io/service' });
    } else {
      deadlines.set(ms.name, started + grace + 1);
    }
  }

  for (const [name, entries] of [...offers.entries()].sort(([a], [b]) => cmp(a, b))) {
    const { ports, conflicting } = pickConsistent(undefined, entries);
    const spec: MeshServiceSpec = { state: 'Unavailable', selector: selectorFor(name), ports: toPorts(ports) };
    if (!specIsValid(name, input.mesh, spec, entries, skipped)) continue;
    const condition = conflictCondition(name, ports, conflicting, plan);
    plan.create.push({
      type: 'MeshService',
      mesh: input.mesh,
      name,
      labels: desiredLabels({}, name, input),
      spec,
      ...(condition ? { status: { conditions: [condition] } } : {}),
    });
  }
  plan.skipped.push(...skipped.items());
  const nextRunAt = Math.min(...deadlines.values());
  return Number.isFinite(nextRunAt) ? { ...plan, nextRunAt: new Date(nextRunAt) } : plan;
}

function planUpdate(input: GenerateInput, ms: MeshServiceResource, entries: Offer[], plan: Mutable<GenerationPlan>, skipped: SkipCollector): void {
  const { ports, conflicting } = pickConsistent(offeredFromSpec(ms.spec.ports ?? []), entries);
  const selector = selectorFor(ms.name);
  const wantPorts = toPorts(ports);
  const labels = desiredLabels(ms.labels, ms.name, input);
  const condition = conflictCondition(ms.name, ports, conflicting, plan);
  const reasons: string[] = [];
  if (!samePorts(ms.spec.ports ?? [], wantPorts)) reasons.push('ports changed');
  if (JSON.stringify(ms.spec.selector) !== JSON.stringify(selector)) reasons.push('selector changed');
  if (ms.labels[LABEL.deletionGracePeriodStartedAt] !== undefined) reasons.push('no longer scheduled for deletion');
  else if (!sameLabels(ms.labels, labels)) reasons.push('labels changed');
  if (!sameCondition(ms.status?.conditions?.find((c) => c.type === PORT_CONFLICT), condition)) reasons.push('port conflict condition changed');
  if (reasons.length === 0) return;
  const spec: MeshServiceSpec = { ...ms.spec, selector, ports: wantPorts };
  if (!specIsValid(ms.name, input.mesh, spec, entries, skipped)) return;
  plan.update.push({ resource: updateOf(ms, labels, spec, withCondition(ms.status, PORT_CONFLICT, condition)), reasons });
}

function samePorts(a: readonly MeshServicePort[], b: readonly MeshServicePort[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i];
    return q !== undefined && p.name === q.name && p.port === q.port && p.targetPort === q.targetPort && p.appProtocol === q.appProtocol;
  });
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export function sameCondition(a: HostnameGeneratorCondition | undefined, b: HostnameGeneratorCondition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

/** Per `kuma.io/service` value, what each Dataplane offers, oldest Dataplane first. */
function collectOffers(dataplanes: readonly Resource<DataplaneSpec>[], skipped: SkipCollector, only: ReadonlySet<string> | undefined): Map<string, Offer[]> {
  const offers = new Map<string, Offer[]>();
  const sorted = dataplanes
    .map((dp) => ({ dp, t: Date.parse(dp.creationTime) }))
    .sort((a, b) => cmp(a.t, b.t) || cmp(a.dp.name, b.dp.name))
    .map((x) => x.dp);
  for (const dp of sorted) {
    const byService = new Map<string, Map<number, OfferedPort>>();
    for (const inbound of inboundsOf(dp.spec)) {
      const service = inbound.tags?.[SERVICE_TAG];
      if (!service || inbound.port === undefined || (only && !only.has(service))) continue;
      const errors = dns1035LabelErrors(service);
      if (errors.length > 0) {
        skipped.add('InvalidServiceName', service, [dp.name], `couldn't generate MeshService from kuma.io/service ${JSON.stringify(service)}, contains invalid characters: ${errors.join('; ')}`);
        continue;
      }
      const ports = byService.get(service) ?? new Map<number, OfferedPort>();
      byService.set(service, ports);
      const seen = ports.get(inbound.port);
      const name = inbound.name || undefined;
      if (seen) {
        if (seen.name === undefined && name !== undefined) ports.set(inbound.port, { ...seen, name });
        continue;
      }
      ports.set(inbound.port, { port: inbound.port, appProtocol: protocolOf(service, dp.name, inbound.port, inbound.protocol ?? inbound.tags?.[PROTOCOL_TAG], skipped), ...(name ? { name } : {}) });
    }
    for (const [service, ports] of byService) {
      const list = uniqueNames(service, dp.name, [...ports.values()].sort((a, b) => a.port - b.port), skipped);
      const entries = offers.get(service) ?? [];
      entries.push({ dataplane: dp.name, ports: list });
      offers.set(service, entries);
    }
  }
  return offers;
}

function protocolOf(service: string, dp: string, port: number, raw: string | undefined, skipped: SkipCollector): string {
  if (raw === undefined || raw === '') return 'tcp';
  const lower = raw.toLowerCase();
  if ((APP_PROTOCOLS as readonly string[]).includes(lower)) return lower;
  skipped.add('UnsupportedProtocol', service, [dp], `protocol ${JSON.stringify(raw)} of inbound port ${port} is not one of ${APP_PROTOCOLS.join(', ')}; the port gets appProtocol tcp`);
  return 'tcp';
}

/** Section names must be unique: a name already used, or equal to another port's number, is dropped. */
function uniqueNames(service: string, dp: string, ports: OfferedPort[], skipped: SkipCollector): OfferedPort[] {
  const numbers = new Set(ports.map((p) => String(p.port)));
  const used = new Set<string>();
  return ports.map((p) => {
    if (p.name === undefined) return p;
    if (used.has(p.name) || (numbers.has(p.name) && p.name !== String(p.port))) {
      skipped.add('DuplicatePortName', service, [dp], `inbound name ${JSON.stringify(p.name)} on port ${p.port} is already the name of another port; the port is named ${JSON.stringify(String(p.port))}`);
      return { port: p.port, appProtocol: p.appProtocol };
    }
    used.add(p.name);
    return p;
  });
}

/**
 * Semantics 2.4 with compatible names: the current ports stay while one Dataplane agrees, else the
 * oldest Dataplane's win. Agreeing = same port numbers and protocols, names equal or unset on one side.
 */
function pickConsistent(current: OfferedPort[] | undefined, entries: Offer[]): { ports: OfferedPort[]; conflicting: Offer[] } {
  const attempt = (ref: OfferedPort[]) => {
    let merged = ref;
    const conflicting: Offer[] = [];
    let agreed = 0;
    for (const e of entries) {
      const next = merge(merged, e.ports);
      if (next) {
        merged = next;
        agreed++;
      } else conflicting.push(e);
    }
    return { ports: merged, conflicting, agreed };
  };
  const first = entries[0];
  const withCurrent = current ? attempt(current) : undefined;
  if (withCurrent && withCurrent.agreed > 0) return withCurrent;
  return attempt(first ? first.ports : []);
}

function merge(a: OfferedPort[], b: OfferedPort[]): OfferedPort[] | undefined {
  if (a.length !== b.length) return undefined;
  const out: OfferedPort[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as OfferedPort;
    const y = b[i] as OfferedPort;
    if (x.port !== y.port || x.appProtocol !== y.appProtocol) return undefined;
    if (x.name !== undefined && y.name !== undefined && x.name !== y.name) return undefined;
    const name = x.name ?? y.name;
    out.push({ port: x.port, appProtocol: x.appProtocol, ...(name !== undefined ? { name } : {}) });
  }
  const names = out.map((p) => p.name ?? String(p.port));
  return new Set(names).size === names.length ? out : undefined;
}

function offeredFromSpec(ports: readonly MeshServicePort[]): OfferedPort[] {
  return [...ports]
    .sort((a, b) => a.port - b.port)
    .map((p) => ({ port: p.port, appProtocol: p.appProtocol, ...(p.name && p.name !== String(p.port) ? { name: p.name } : {}) }));
}

function toPorts(ports: OfferedPort[]): MeshServicePort[] {
  return ports.map((p) => ({ name: p.name ?? String(p.port), port: p.port, targetPort: p.port, appProtocol: p.appProtocol }));
}

function describePorts(ports: OfferedPort[], detailed: boolean): string {
  return `[${ports.map((p) => (detailed ? `${p.port}/${p.appProtocol}${p.name ? ` (${p.name})` : ''}` : String(p.port))).join(', ')}]`;
}

function conflictCondition(service: string, ports: OfferedPort[], conflicting: Offer[], plan: Mutable<GenerationPlan>): HostnameGeneratorCondition | undefined {
  if (conflicting.length === 0) return undefined;
  const groups = new Map<string, { ports: OfferedPort[]; dataplanes: string[] }>();
  for (const e of conflicting) {
    const key = JSON.stringify(e.ports);
    const g = groups.get(key) ?? { ports: e.ports, dataplanes: [] };
    g.dataplanes.push(e.dataplane);
    groups.set(key, g);
  }
  const parts = [...groups.values()].map((g) => {
    const detailed = describePorts(g.ports, false) === describePorts(ports, false);
    return `Dataplanes ${g.dataplanes.join(', ')} expose ports ${describePorts(g.ports, detailed)} but ${service} has ${describePorts(ports, detailed)}`;
  });
  const message = `${parts.join('; ')}; ports must be identical across the Dataplanes of one kuma.io/service; only inbounds matching the ports of ${service} get traffic`;
  plan.conflicts.push({ service, dataplanes: conflicting.map((e) => e.dataplane), message });
  return { type: PORT_CONFLICT, status: 'True', reason: 'PortsDiffer', message };
}

/** Replaces (or removes, with `undefined`) the condition of one type, keeping every other one. */
export function withCondition(status: MeshServiceStatus | undefined, type: string, condition: HostnameGeneratorCondition | undefined): MeshServiceStatus | undefined {
  const others = (status?.conditions ?? []).filter((c) => c.type !== type);
  const conditions = condition ? [...others, condition] : others;
  if (!status && conditions.length === 0) return undefined;
  const { conditions: _old, ...rest } = status ?? {};
  return conditions.length > 0 ? { ...rest, conditions } : rest;
}

function selectorFor(service: string): MeshServiceSpec['selector'] {
  return { dataplaneTags: { [SERVICE_TAG]: service } };
}

/** Semantics 2.5 with propagation off: system labels forced, other labels kept, grace marker dropped. */
function desiredLabels(existing: Labels, name: string, input: GenerateInput): Labels {
  const labels: Labels = { ...existing };
  delete labels[LABEL.deletionGracePeriodStartedAt];
  return {
    ...labels,
    [LABEL.mesh]: input.mesh,
    [LABEL.displayName]: name,
    [LABEL.managedBy]: MANAGED_BY_GENERATOR,
    [LABEL.env]: 'universal',
    [LABEL.zone]: input.zone,
    [LABEL.origin]: 'zone',
  };
}

function specIsValid(name: string, mesh: string, spec: MeshServiceSpec, entries: Offer[], skipped: SkipCollector): boolean {
  const violations = validateMeshService({ name, mesh, labels: {}, spec });
  if (violations.length === 0) return true;
  skipped.add('InvalidSpec', name, entries.map((e) => e.dataplane), `generated spec is not valid: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`);
  return false;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function graceStartOf(ms: { readonly labels: Labels }): number | undefined {
  const text = ms.labels[LABEL.deletionGracePeriodStartedAt];
  if (text === undefined || !RFC3339.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function updateOf(ms: MeshServiceResource, labels: Labels, spec: MeshServiceSpec, status: MeshServiceStatus | undefined): UpdateRequest<MeshServiceSpec, MeshServiceStatus> {
  return { type: ms.type, mesh: ms.mesh, name: ms.name, labels, spec, ...(status !== undefined ? { status } : {}), version: ms.version };
}

/** Skips grouped by what was skipped and why, with every Dataplane concerned. */
class SkipCollector {
  private readonly byKey = new Map<string, Skipped>();

  add(kind: SkipKind, service: string, dataplanes: string[], reason: string): void {
    const key = JSON.stringify([kind, service, reason]);
    const seen = this.byKey.get(key);
    if (seen) {
      for (const d of dataplanes) if (!seen.dataplanes.includes(d)) seen.dataplanes.push(d);
    } else this.byKey.set(key, { kind, service, dataplanes: [...dataplanes], reason });
  }

  items(): Skipped[] {
    return [...this.byKey.values()];
  }
}

const keyOf = (r: ResourceKey): ResourceKey => ({ type: r.type, mesh: r.mesh, name: r.name });
const cmp = <T extends string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
