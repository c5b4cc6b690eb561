/**
 * Which hostnames every MeshService and MeshMultiZoneService gets from the HostnameGenerators
 * (semantics 5.5), as one pure function of the resources. Precedence is a total order, so the
 * answer never depends on store order or on the previous status (Kuma's flapping, issue 10989):
 * zone-origin generators first, then older generators, then by name; within one generator older
 * services first, then by name. A loser is told who holds the hostname (Kuma names the loser
 * itself, quirk Q10).
 */
import { dns1123SubdomainErrors } from '../../core/dns-names.js';
import { keyString, type Labels, type Resource } from '../../core/resource.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { HostnameGeneratorCondition } from '../mesh-service/types.js';
import { hostnameDataOf } from './hostname-data.js';
import { parseHostnameTemplate, renderHostname } from './template.js';
import { type HostnameGeneratorSpec, hostnameGeneratorSelects } from './types.js';

export const ORIGIN_HOSTNAME_GENERATOR = 'HostnameGenerator';

/** A resource that can receive hostnames (only what the templates and the order need). */
export interface HostnameTarget {
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
  readonly labels: Labels;
  readonly creationTime: string;
}

export interface HostnameAddress {
  readonly hostname: string;
  readonly origin: string;
  readonly hostnameGeneratorRef: { readonly coreName: string };
}

export interface HostnameGeneratorStatusEntry {
  readonly hostnameGeneratorRef: { readonly coreName: string };
  readonly conditions: readonly HostnameGeneratorCondition[];
}

/** The two status fields the hostname controller owns, both sorted by generator name. */
export interface HostnameAssignment {
  readonly addresses: HostnameAddress[];
  readonly hostnameGenerators: HostnameGeneratorStatusEntry[];
}

export type HostnameGeneratorInput = Pick<Resource<HostnameGeneratorSpec>, 'name' | 'labels' | 'creationTime' | 'spec'>;

/** Template text -> parsed template or its error; callers may keep one across passes. */
export type TemplateCache = Map<string, ReturnType<typeof parseHostnameTemplate>>;

export function compareGenerators(a: HostnameGeneratorInput, b: HostnameGeneratorInput): number {
  const az = a.labels[LABEL.origin] === 'zone';
  const bz = b.labels[LABEL.origin] === 'zone';
  if (az !== bz) return az ? -1 : 1;
  return compareByAge(a, b);
}

export function compareTargets(a: HostnameTarget, b: HostnameTarget): number {
  return compareByAge(a, b) || compareText(a.mesh, b.mesh);
}

/** compareTargets order, parsing each creation time once. */
function sortedByAge(targets: readonly HostnameTarget[]): HostnameTarget[] {
  return targets
    .map((t) => ({ t, at: Date.parse(t.creationTime) }))
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : compareText(a.t.name, b.t.name) || compareText(a.t.mesh, b.t.mesh)))
    .map((x) => x.t);
}

export function compareByAge(a: { creationTime: string; name: string }, b: { creationTime: string; name: string }): number {
  const ta = Date.parse(a.creationTime);
  const tb = Date.parse(b.creationTime);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareText(a.name, b.name);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const generatedCondition = (): HostnameGeneratorCondition => ({ type: 'Generated', status: 'True', reason: 'Generated', message: '' });
export const failedCondition = (reason: 'TemplateError' | 'Collision', message: string): HostnameGeneratorCondition => ({
  type: 'Generated',
  status: 'False',
  reason,
  message,
});

/** What a target that lost `hostname` to `holder` (same kind and mesh) is told. */
export function collisionCondition(type: string, holder: string, hostname: string): HostnameGeneratorCondition {
  return failedCondition('Collision', `Hostname collision with ${type} ${holder}: ${hostname} is already taken`);
}

/**
 * Hostnames for every target, keyed by `keyString(target)`. Collisions are per kind and per mesh;
 * one service getting the same hostname from two generators is not a collision.
 */
export function assignHostnames(input: {
  readonly generators: readonly HostnameGeneratorInput[];
  readonly targets: readonly HostnameTarget[];
  readonly localZone: string;
  readonly templates?: TemplateCache;
}): Map<string, HostnameAssignment> {
  const templates = input.templates ?? new Map();
  const generators = [...input.generators].sort(compareGenerators);
  const targets = sortedByAge(input.targets);
  const perTarget = new Map<string, Map<string, { hostname?: string; condition: HostnameGeneratorCondition }>>();
  const owners = new Map<string, HostnameTarget>(); // "kind/mesh/hostname" -> holder
  for (const g of generators) {
    const parsed = parseCached(templates, g.spec.template ?? '');
    for (const t of targets) {
      if (!hostnameGeneratorSelects(g.spec, t.type, t.labels)) continue;
      const results = perTarget.get(keyString(t)) ?? new Map();
      perTarget.set(keyString(t), results);
      results.set(g.name, decide(parsed, t, input.localZone, owners));
    }
  }
  const out = new Map<string, HostnameAssignment>();
  for (const t of targets) {
    const results = [...(perTarget.get(keyString(t)) ?? new Map()).entries()].sort(([a], [b]) => compareText(a, b));
    out.set(keyString(t), {
      addresses: results.flatMap(([name, r]) =>
        r.hostname === undefined ? [] : [{ hostname: r.hostname, origin: ORIGIN_HOSTNAME_GENERATOR, hostnameGeneratorRef: { coreName: name } }],
      ),
      hostnameGenerators: results.map(([name, r]) => ({ hostnameGeneratorRef: { coreName: name }, conditions: [r.condition] })),
    });
  }
  return out;
}

/** Whether a status already holds exactly this assignment (absent lists count as empty). */
export function holdsAssignment(
  status: { readonly addresses?: readonly HostnameAddress[]; readonly hostnameGenerators?: readonly HostnameGeneratorStatusEntry[] } | undefined,
  a: HostnameAssignment,
): boolean {
  const addresses = status?.addresses ?? [];
  const generators = status?.hostnameGenerators ?? [];
  if (addresses.length !== a.addresses.length || generators.length !== a.hostnameGenerators.length) return false;
  const sameAddresses = addresses.every((x, i) => {
    const y = a.addresses[i];
    return y !== undefined && x.hostname === y.hostname && x.origin === y.origin && x.hostnameGeneratorRef?.coreName === y.hostnameGeneratorRef.coreName;
  });
  return (
    sameAddresses &&
    generators.every((x, i) => {
      const y = a.hostnameGenerators[i];
      if (y === undefined || x.hostnameGeneratorRef?.coreName !== y.hostnameGeneratorRef.coreName) return false;
      const xc = x.conditions ?? [];
      return xc.length === y.conditions.length && xc.every((c, j) => {
        const d = y.conditions[j];
        return d !== undefined && c.type === d.type && c.status === d.status && c.reason === d.reason && c.message === d.message;
      });
    })
  );
}

function decide(
  parsed: ReturnType<typeof parseHostnameTemplate>,
  t: HostnameTarget,
  localZone: string,
  owners: Map<string, HostnameTarget>,
): { hostname?: string; condition: HostnameGeneratorCondition } {
  const rendered = render(parsed, t, localZone);
  if (!rendered.ok) return { condition: failedCondition('TemplateError', rendered.error) };
  const slot = `${t.type}\u0000${t.mesh}\u0000${rendered.hostname}`;
  const holder = owners.get(slot);
  if (holder && holder.name !== t.name) {
    return { condition: collisionCondition(t.type, holder.name, rendered.hostname) };
  }
  owners.set(slot, t);
  return { hostname: rendered.hostname, condition: generatedCondition() };
}

/** Renders with Kuma's error texts; a result that is not a DNS name is an error too. */
export function render(
  parsed: ReturnType<typeof parseHostnameTemplate>,
  t: Pick<HostnameTarget, 'name' | 'mesh' | 'labels'>,
  localZone: string,
  checkDns = true,
): { ok: true; hostname: string } | { ok: false; error: string } {
  if (!parsed.ok) return { ok: false, error: `failed compiling gotemplate error=${JSON.stringify(parsed.error)}` };
  const rendered = renderHostname(parsed.template, hostnameDataOf(t, localZone));
  if (!rendered.ok) {
    return { ok: false, error: `pre evaluation of template with parameters failed with error=${JSON.stringify(rendered.error)}` };
  }
  const problems = checkDns ? dns1123SubdomainErrors(rendered.hostname) : [];
  if (problems.length > 0) {
    return { ok: false, error: `generated hostname ${JSON.stringify(rendered.hostname)} is not a valid DNS name: ${problems.join(', ')}` };
  }
  return { ok: true, hostname: rendered.hostname };
}

export function parseCached(cache: TemplateCache, text: string): ReturnType<typeof parseHostnameTemplate> {
  let parsed = cache.get(text);
  if (!parsed) {
    if (cache.size >= 256) cache.clear(); // edited templates must not pile up forever
    parsed = parseHostnameTemplate(text);
    cache.set(text, parsed);
  }
  return parsed;
}
