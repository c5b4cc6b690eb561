/**
 * Every `kuma.io/service` of the mesh: the zones it runs in, the MeshService that stands for it in
 * each zone (there now, or made by the zone's generator once the mode allows), port conflicts,
 * what stops a MeshService from existing, and the recommendation (seed "Migration", step 2):
 * - one zone: its MeshService;
 * - several zones, and some client reaches it in more than one zone today: a MeshMultiZoneService
 *   over all of them (named like the service, selecting `kuma.io/display-name`), so one name keeps
 *   balancing across zones as before;
 * - several zones, but every client reaches only its own zone's instances today: the MeshService
 *   of each zone keeps exactly that.
 */
import { type AdmissionContext, computeLabels } from '../core/admission.js';
import { kindByName } from '../core/registry.js';
import type { Resource } from '../core/resource.js';
import { LABEL, SERVICE_TAG } from '../core/well-known-labels.js';
import type { MeshServiceSpec } from '../resources/mesh-service/types.js';
import type { MeshMultiZoneServicePort, MeshMultiZoneServiceSpec } from '../resources/mesh-multizone-service/types.js';
import { toGlobal } from '../kds/sync-rules.js';
import { type Federation, servicesByZone, siteNameOf } from './federation.js';
import type { ProxyOutcome } from './proxy-impact.js';
import type { PortSummary, Recommendation, ServicePlan, ZoneMeshService } from './types.js';
import type { ZoneView } from './zone-views.js';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function portsOf(ms: Resource): PortSummary[] {
  return ((ms.spec as MeshServiceSpec).ports ?? []).map((p) => ({ port: p.port, name: p.name ? p.name : String(p.port), appProtocol: p.appProtocol || 'tcp' }));
}

/** The name a zone's new MeshService gets on global (hash-suffixed, as the sync sends it). */
function globalNameOf(fed: Federation, zone: string, ms: Resource): string {
  if (fed.site.kind !== 'global') return ms.name;
  const sent = toGlobal(ms, zone);
  return sent.action === 'send' ? sent.resource.name : ms.name;
}

function standsFor(ms: Resource, service: string): boolean {
  const tagged = (ms.spec as MeshServiceSpec).selector?.dataplaneTags?.[SERVICE_TAG];
  return tagged === service || (tagged === undefined && ms.name === service);
}

/** The zones in which one client reaches `service` today (across all its destinations), at most. */
function widestReach(service: string, proxies: readonly ProxyOutcome[]): number {
  let widest = 0;
  for (const p of proxies) {
    const zones = new Set<string>();
    for (const d of p.destinations.values()) for (const r of d.reaches) if (r.startsWith(`${service}@`)) zones.add(r.slice(service.length + 1));
    widest = Math.max(widest, zones.size);
  }
  return widest;
}

/** The MeshMultiZoneService the plan creates for a service: every port any zone's MeshService has. */
export function multiZoneServiceFor(service: string, meshServices: readonly ZoneMeshService[]): MeshMultiZoneServiceSpec {
  const ports = new Map<number, MeshMultiZoneServicePort>();
  for (const ms of meshServices) {
    for (const p of ms.ports) {
      if (ports.has(p.port)) continue;
      ports.set(p.port, { ...(p.name !== String(p.port) ? { name: p.name } : {}), port: p.port, appProtocol: p.appProtocol });
    }
  }
  return { selector: { meshService: { matchLabels: { [LABEL.displayName]: service } } }, ports: [...ports.values()].sort((a, b) => a.port - b.port) };
}

function crossZoneConflict(meshServices: readonly ZoneMeshService[]): string | undefined {
  const shapes = new Map<string, string[]>();
  for (const ms of meshServices) {
    const shape = ms.ports.map((p) => `${p.port}/${p.appProtocol}`).join(', ');
    shapes.set(shape, [...(shapes.get(shape) ?? []), ms.zone]);
  }
  if (shapes.size <= 1) return undefined;
  const described = [...shapes].map(([shape, zones]) => `${zones.join(', ')}: [${shape}]`).join('; ');
  return `ports differ between zones (${described}); a MeshMultiZoneService sends each port only to the zones that have it`;
}

function recommend(service: string, zones: readonly string[], reach: number, existing: readonly Resource[]): Recommendation {
  if (zones.length <= 1) return { kind: 'MeshService', reason: `runs only in zone ${zones[0] ?? '-'}` };
  const where = zones.join(', ');
  if (reach < 2) {
    return { kind: 'MeshService', reason: `runs in ${where}, but every client reaches only its own zone's instances today; each zone's MeshService keeps that` };
  }
  const selecting = existing.find((r) => {
    const labels = (r.spec as MeshMultiZoneServiceSpec).selector?.meshService?.matchLabels ?? {};
    return Object.keys(labels).length === 1 && labels[LABEL.displayName] === service;
  });
  return {
    kind: 'MeshMultiZoneService',
    reason: `runs in ${where} and clients reach it in ${reach} zones today; a MeshService is one zone only`,
    name: selecting?.name ?? service,
    exists: selecting !== undefined,
  };
}

/** A MeshMultiZoneService that has the name the plan wants but selects something else. */
function nameTaken(rec: Recommendation, existing: readonly Resource[]): string | undefined {
  if (rec.kind !== 'MeshMultiZoneService' || rec.exists === true) return undefined;
  const other = existing.find((r) => r.name === rec.name);
  if (other === undefined) return undefined;
  const labels = JSON.stringify((other.spec as MeshMultiZoneServiceSpec).selector?.meshService?.matchLabels ?? {});
  return `a MeshMultiZoneService named ${rec.name} exists and selects ${labels}: rename it, or make it select {"${LABEL.displayName}":"${rec.name}"} alone`;
}

export function servicePlans(fed: Federation, target: ReadonlyMap<string, ZoneView>, before: readonly ProxyOutcome[]): ServicePlan[] {
  const existingMmzs = fed.siteOwned.filter((r) => r.type === 'MeshMultiZoneService' && r.mesh === fed.mesh);
  const out: ServicePlan[] = [];
  for (const [service, perZone] of [...servicesByZone(fed)].sort(([a], [b]) => byText(a, b))) {
    const zones = [...perZone.keys()].sort(byText);
    const meshServices: ZoneMeshService[] = [];
    const problems: string[] = [];
    const portConflicts: string[] = [];
    for (const zone of zones) {
      const zv = target.get(zone);
      const ms = zv?.localMeshServices.find((m) => standsFor(m, service));
      const plan = zv?.generation;
      for (const c of plan?.conflicts ?? []) if (c.service === service) portConflicts.push(`zone ${zone}: ${c.message}`);
      const skipped = (plan?.skipped ?? []).filter((s) => s.service === service).map((s) => `zone ${zone}: ${s.reason}`);
      if (ms === undefined) {
        problems.push(...(skipped.length > 0 ? skipped : [`zone ${zone}: no MeshService selects its Dataplanes there`]));
        continue;
      }
      problems.push(...skipped);
      const exists = (fed.zones.get(zone) ?? []).some((r) => r.type === 'MeshService' && r.name === ms.name);
      const siteName = exists ? siteNameOf(fed, zone, ms) : globalNameOf(fed, zone, ms);
      meshServices.push({ zone, name: ms.name, ...(siteName !== ms.name ? { siteName } : {}), state: exists ? 'exists' : 'generated', ports: portsOf(ms) });
    }
    const cross = crossZoneConflict(meshServices);
    if (cross !== undefined) portConflicts.push(cross);
    const dataplanes = [...perZone.values()].reduce((n, c) => n + c, 0);
    const recommendation = recommend(service, zones, widestReach(service, before), existingMmzs);
    const taken = nameTaken(recommendation, existingMmzs);
    if (taken !== undefined) problems.push(taken);
    out.push({ service, zones, dataplanes, meshServices, portConflicts, problems, recommendation });
  }
  return out;
}

/** The MeshMultiZoneServices to create (those recommended that do not exist yet). */
export function multiZoneServicesToCreate(fed: Federation, services: readonly ServicePlan[], now: Date): Resource[] {
  const time = now.toISOString();
  const kind = kindByName('MeshMultiZoneService');
  const existingNames = new Set(fed.siteOwned.filter((r) => r.type === 'MeshMultiZoneService' && r.mesh === fed.mesh).map((r) => r.name));
  const admission: AdmissionContext = fed.site.kind === 'global' ? { mode: 'global', zone: '', environment: 'universal' } : { mode: 'zone', zone: fed.site.zone, environment: 'universal' };
  return services
    .filter((s) => s.recommendation.kind === 'MeshMultiZoneService' && s.recommendation.exists !== true)
    .filter((s) => !existingNames.has(s.recommendation.name ?? s.service))
    .map((s) => ({
      type: 'MeshMultiZoneService',
      mesh: fed.mesh,
      name: s.recommendation.name ?? s.service,
      labels: computeLabels({ kind, name: s.recommendation.name ?? s.service, mesh: fed.mesh, labels: {} }, admission),
      spec: multiZoneServiceFor(s.service, s.meshServices),
      creationTime: time,
      modificationTime: time,
      version: 1,
    }));
}
