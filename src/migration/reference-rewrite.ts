/**
 * The reference a `kuma.io/service`-style reference needs, following the service's recommendation:
 * - MeshMultiZoneService: `{kind: MeshMultiZoneService, name}`;
 * - the MeshService of one zone: by `name` when the referrer was created in that zone (a name is
 *   read in the referrer's own zone), else by labels `kuma.io/display-name` + `kuma.io/zone`
 *   (what a resource created on global must use);
 * - a service kept per zone: a policy entry selects every zone's MeshService by display name; a
 *   backendRef, which names one destination, cannot be written without a choice.
 * backendRefs always get a `port` (Kuma 2.x reads a MeshService backendRef without port or
 * sectionName as a `kuma.io/service` reference; MeshMultiZoneService requires one): the one the
 * reference gave, the compatibility form's, or the only port; with several, the user must say.
 * A policy entry keeps targeting the whole service unless the reference fixed a port, which then
 * becomes the port's sectionName. Weights are kept.
 */
import { LABEL } from '../core/well-known-labels.js';
import type { BackendRef } from '../resources/shared/target-ref.js';
import type { FoundReference } from './reference-scan.js';
import type { PortSummary, ServicePlan } from './types.js';

export interface RewriteOutcome {
  readonly rewrite?: BackendRef;
  readonly target?: string;
  readonly problem?: string;
}

/** Whether the reference must change: it does not already name the recommended destination. */
export function needsRewrite(f: FoundReference, plan: ServicePlan, referrerZone: string | undefined): boolean {
  if (f.compat || plan.recommendation.kind === 'MeshMultiZoneService') return true;
  if (f.position !== 'to' && f.ref.port === undefined && !f.ref.sectionName) return true;
  if (referrerZone === undefined) return true;
  const local = plan.meshServices.find((m) => m.zone === referrerZone);
  return local === undefined || local.name !== f.ref.name;
}

function portList(ports: readonly PortSummary[]): string {
  return ports.map((p) => (p.name === String(p.port) ? String(p.port) : `${p.port} (${p.name})`)).join(', ');
}

/** The port the reference means; undefined `port` for a policy entry on the whole service. */
function pickPort(f: FoundReference, ports: readonly PortSummary[], what: string): { port?: PortSummary; problem?: string } {
  const wanted = f.ref.port !== undefined ? String(f.ref.port) : f.ref.sectionName || (f.compatPort !== undefined ? String(f.compatPort) : '');
  if (wanted !== '') {
    const port = ports.find((p) => p.name === wanted) ?? ports.find((p) => String(p.port) === wanted);
    return port !== undefined ? { port } : { problem: `${what} has no port ${wanted} (its ports: ${portList(ports) || 'none'})` };
  }
  if (f.position === 'to') return {};
  const only = ports.length === 1 ? ports[0] : undefined;
  if (only !== undefined) return { port: only };
  return { problem: `${what} has ${ports.length} ports (${portList(ports)}): a backendRef names one; rewrite it by hand with the port it means` };
}

function withPort(f: FoundReference, base: BackendRef, port: PortSummary | undefined): BackendRef {
  const weight = f.ref.weight === undefined ? {} : { weight: f.ref.weight };
  if (f.position === 'to') return port === undefined ? base : { ...base, sectionName: port.name };
  return { ...base, ...(port === undefined ? {} : { port: port.port }), ...weight };
}

const portWords = (p: PortSummary | undefined): string => (p === undefined ? '' : ` port ${p.port}${p.name !== String(p.port) ? ` (${p.name})` : ''}`);

export function rewriteOf(f: FoundReference, plan: ServicePlan, referrerZone: string | undefined): RewriteOutcome {
  const rec = plan.recommendation;
  if (rec.kind === 'MeshMultiZoneService') {
    const name = rec.name ?? plan.service;
    if (plan.problems.length > 0) return { problem: `the MeshMultiZoneService ${name} this should name is not ready: ${plan.problems.join('; ')}` };
    const ports = plan.meshServices.flatMap((m) => m.ports).filter((p, i, all) => all.findIndex((q) => q.port === p.port) === i);
    const picked = pickPort(f, ports, `MeshMultiZoneService '${name}'`);
    if (picked.problem !== undefined) return { problem: picked.problem };
    return { rewrite: withPort(f, { kind: 'MeshMultiZoneService', name }, picked.port), target: `MeshMultiZoneService ${name}${portWords(picked.port)}` };
  }
  if (plan.meshServices.length === 0) return { problem: `no MeshService can stand for kuma.io/service '${plan.service}': ${plan.problems.join('; ') || 'it has none'}` };
  const single = plan.meshServices.length === 1 ? plan.meshServices[0] : undefined;
  const ms = single ?? plan.meshServices.find((m) => m.zone === referrerZone);
  if (ms === undefined) {
    if (f.position !== 'to') {
      return { problem: `kuma.io/service '${plan.service}' runs in ${plan.zones.join(', ')} and a backendRef names one destination: create a MeshMultiZoneService, or name one zone's MeshService` };
    }
    const picked = pickPort(f, plan.meshServices[0]?.ports ?? [], `MeshService '${plan.service}'`);
    if (picked.problem !== undefined) return { problem: picked.problem };
    const rewrite = withPort(f, { kind: 'MeshService', labels: { [LABEL.displayName]: plan.service } }, picked.port);
    return { rewrite, target: `every zone's MeshService ${plan.service}${portWords(picked.port)}` };
  }
  const picked = pickPort(f, ms.ports, `MeshService '${ms.name}' of zone ${ms.zone}`);
  if (picked.problem !== undefined) return { problem: picked.problem };
  const base: BackendRef =
    referrerZone === ms.zone ? { kind: 'MeshService', name: ms.name } : { kind: 'MeshService', labels: { [LABEL.displayName]: ms.name, [LABEL.zone]: ms.zone } };
  return { rewrite: withPort(f, base, picked.port), target: `MeshService ${ms.name} of zone ${ms.zone}${portWords(picked.port)}` };
}
