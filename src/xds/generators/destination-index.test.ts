/**
 * The indexed resolution of reachableBackends refs against the plain scan it replaced (every ref
 * matched against every destination of the mesh): equal destinations, ports and notes over many
 * random meshes and refs (labels, names, namespaces, zones, display names, ports, both kinds).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels } from '../../core/resource.js';
import type { ReachableBackendRef } from '../../resources/dataplane/types.js';
import type { DataplaneResource, MeshServiceResource, MultiZoneServiceResource } from '../proxy-context.js';
import { serviceDestinationOf, serviceDestinations, type ServiceDestination } from './destinations.js';
import type { GenerationNote } from './generated.js';

function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a % n;
  };
}

const pick = <T,>(r: (n: number) => number, xs: readonly T[]): T => xs[r(xs.length)] as T;

/** The scan: every ref against every destination of its kind, as destinations.ts did before the index. */
function scan(dp: DataplaneResource, refs: readonly ReachableBackendRef[], all: readonly ServiceDestination[], notes: GenerationNote[]): ServiceDestination[] {
  const selected = new Map<string, Set<string>>();
  refs.forEach((ref, i) => {
    const subject = `networking.transparentProxying.reachableBackends.refs[${i}]`;
    const short = ref.kind === 'MeshService' ? 'msvc' : ref.kind === 'MeshMultiZoneService' ? 'mzsvc' : undefined;
    if (short === undefined) return void notes.push({ subject, reason: `kind '${ref.kind ?? ''}' is not a destination Meshplane serves; ignored` });
    const ofKind = all.filter((d) => d.identity.shortName === short);
    const labels = Object.entries(ref.labels ?? {});
    let matched = labels.length > 0 ? ofKind.filter((d) => labels.every(([k, v]) => d.identity.labels[k] === v)) : [];
    if (matched.length === 0 && ref.name) {
      const namespace = ref.namespace ?? dp.labels['k8s.kuma.io/namespace'] ?? '';
      const zone = short === 'mzsvc' ? '' : (dp.labels['kuma.io/zone'] ?? '');
      matched = ofKind.filter(
        (d) => (d.identity.labels['kuma.io/display-name'] || d.identity.name) === ref.name && (d.identity.labels['k8s.kuma.io/namespace'] ?? '') === namespace && (d.identity.labels['kuma.io/zone'] ?? '') === zone,
      );
    }
    if (matched.length === 0) notes.push({ subject, reason: 'matches no destination' });
    for (const d of matched) {
      const ports = ref.port === undefined ? d.ports : d.ports.filter((p) => p.sectionName === String(ref.port) || p.port === ref.port);
      if (ports.length === 0) notes.push({ subject, reason: `${d.kind} '${d.identity.name}' has no port ${String(ref.port)}` });
      selected.set(d.key, new Set([...(selected.get(d.key) ?? []), ...ports.map((p) => p.sectionName)]));
    }
  });
  return all.flatMap((d) => {
    const sections = selected.get(d.key);
    return sections === undefined ? [] : [{ ...d, ports: d.ports.filter((p) => sections.has(p.sectionName)) }];
  });
}

const ZONES = ['', 'zone-1', 'zone-2'];
const NAMESPACES = ['', 'ns-a', 'ns-b'];
const NAMES = ['alpha', 'beta', 'gamma'];

function labelsOf(r: (n: number) => number, name: string): Labels {
  const labels: Record<string, string> = {};
  const zone = pick(r, ZONES);
  const namespace = pick(r, NAMESPACES);
  if (zone) labels['kuma.io/zone'] = zone;
  if (namespace) labels['k8s.kuma.io/namespace'] = namespace;
  if (r(2) === 0) labels['kuma.io/display-name'] = pick(r, NAMES);
  if (r(2) === 0) labels.team = pick(r, ['a', 'b']);
  if (r(3) === 0) labels.tier = pick(r, ['front', 'back']);
  return r(4) === 0 ? { ...labels, 'kuma.io/display-name': name } : labels;
}

function service<T>(r: (n: number) => number, type: string, name: string): T {
  const ports = [{ port: 80, name: 'http', appProtocol: 'http' }, { port: 81 }, { port: 82, name: 'grpc', appProtocol: 'grpc' }].filter(() => r(3) > 0);
  return { type, mesh: 'default', name, labels: labelsOf(r, name), spec: { ports }, status: { vips: [{ ip: '241.0.0.1' }] } } as T;
}

function randomRef(r: (n: number) => number): ReachableBackendRef {
  const kind = pick(r, ['MeshService', 'MeshService', 'MeshMultiZoneService', 'MeshExternalService']);
  const labels = r(2) === 0 ? Object.fromEntries([['team', pick(r, ['a', 'b', 'c'])], ...(r(2) === 0 ? [['tier', pick(r, ['front', 'back'])]] : [])]) : undefined;
  const name = r(3) > 0 ? pick(r, [...NAMES, 'svc-1', 'svc-2']) : undefined;
  const namespace = r(3) === 0 ? pick(r, NAMESPACES) : undefined;
  const port = r(3) === 0 ? pick(r, [80, 81, 82, 83]) : undefined;
  return { kind, ...(labels ? { labels } : {}), ...(name ? { name } : {}), ...(namespace !== undefined ? { namespace } : {}), ...(port ? { port } : {}) } as ReachableBackendRef;
}

describe('reachableBackends through the destination index', () => {
  it('gives what the scan over every destination gives, for 400 random meshes and proxies', () => {
    const r = random(7);
    for (let round = 0; round < 400; round++) {
      const msNames = [...NAMES, 'svc-1', 'svc-2', 'svc-3'].filter(() => r(3) > 0).sort();
      const meshServices = msNames.map((n) => service<MeshServiceResource>(r, 'MeshService', n));
      const multiZone = NAMES.filter(() => r(2) === 0).map((n) => service<MultiZoneServiceResource>(r, 'MeshMultiZoneService', n));
      const refs = Array.from({ length: r(5) }, () => randomRef(r));
      const dpLabels: Record<string, string> = {};
      if (r(3) > 0) dpLabels['kuma.io/zone'] = pick(r, ZONES.slice(1));
      if (r(2) === 0) dpLabels['k8s.kuma.io/namespace'] = pick(r, NAMESPACES.slice(1));
      const dataplane = { type: 'Dataplane', mesh: 'default', name: 'dp', labels: dpLabels, spec: { networking: { transparentProxying: { reachableBackends: { refs } } } } } as unknown as DataplaneResource;
      const all = [...meshServices.map((m) => serviceDestinationOf('MeshService', m)), ...multiZone.map((m) => serviceDestinationOf('MeshMultiZoneService', m))];
      const wantNotes: GenerationNote[] = [];
      const want = scan(dataplane, refs, all, wantNotes);
      const gotNotes: GenerationNote[] = [];
      const got = serviceDestinations({ dataplane, mode: 'Exclusive' }, meshServices, multiZone, gotNotes);
      const context = JSON.stringify({ round, refs, dpLabels, services: all.map((d) => [d.key, d.identity.labels]) });
      assert.deepEqual(got, want, context);
      assert.deepEqual(gotNotes, wantNotes, context);
    }
  });
});
