/**
 * Synthetic but realistic Universal meshes, the same for a given seed: services with 1-3 ports
 * (http, grpc, tcp), each served by 2-10 Dataplanes with one inbound per port, tagged the way
 * kuma-dp registers them. Every Dataplane goes through admission (the REST API's path), so the
 * bench stores exactly what a user's `PUT` would.
 */
import { admit, type AdmissionContext } from '../../src/core/admission.js';
import { kindByName } from '../../src/core/registry.js';
import type { NewResource } from '../../src/core/resource.js';

export interface SyntheticMeshOptions {
  readonly mesh?: string;
  readonly services: number;
  readonly dataplanes: number;
  readonly seed?: number;
  readonly zone?: string;
  /** Each Dataplane lists this many MeshServices in `reachableBackends` (absent: it reaches every one). */
  readonly reach?: number;
  /** More than 10 Dataplanes per service (when many proxies must share few services). */
  readonly maxPerService?: number;
}

export interface ServicePlan {
  readonly name: string;
  readonly ports: readonly { readonly port: number; readonly protocol: string }[];
  /** Names of the Dataplanes that serve it. */
  readonly dataplanes: string[];
}

export interface SyntheticMesh {
  readonly mesh: string;
  readonly services: readonly ServicePlan[];
  /** Admitted Dataplanes, ready for `store.create`, in creation order. */
  readonly dataplanes: readonly NewResource[];
  /** Dataplane name -> the services it lists in reachableBackends (absent: reaches all). */
  readonly reaches: ReadonlyMap<string, readonly string[]>;
}

const PROTOCOLS = ['http', 'http', 'http', 'grpc', 'tcp'] as const;

/** A small deterministic PRNG (mulberry32), so every run builds the same mesh. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function serviceName(i: number): string {
  return `svc-${String(i).padStart(5, '0')}`;
}

/** 10.a.b.c for the n-th Dataplane (n < 16 M). */
export function dataplaneAddress(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Every service gets at least 2 Dataplanes; the rest are spread at random, at most 10 per
 * service, so `dataplanes` must lie between 2 and 10 times `services`.
 */
export function syntheticMesh(options: SyntheticMeshOptions): SyntheticMesh {
  const mesh = options.mesh ?? 'default';
  const { services: serviceCount, dataplanes: dataplaneCount } = options;
  const most = options.maxPerService ?? 10;
  if (dataplaneCount < 2 * serviceCount || dataplaneCount > most * serviceCount) {
    throw new Error(`${dataplaneCount} Dataplanes cannot serve ${serviceCount} services with 2-${most} each`);
  }
  const random = prng(options.seed ?? 42);
  const perService = new Array<number>(serviceCount).fill(2);
  for (let extra = dataplaneCount - 2 * serviceCount; extra > 0; ) {
    const i = Math.floor(random() * serviceCount);
    if ((perService[i] ?? 0) >= most) continue;
    perService[i] = (perService[i] ?? 0) + 1;
    extra--;
  }
  const services: ServicePlan[] = [];
  for (let i = 0; i < serviceCount; i++) {
    const portCount = 1 + Math.floor(random() * 3);
    const ports = Array.from({ length: portCount }, (_, p) => ({ port: 8080 + p, protocol: PROTOCOLS[Math.floor(random() * PROTOCOLS.length)] ?? 'http' }));
    services.push({ name: serviceName(i), ports, dataplanes: [] });
  }
  const ctx: AdmissionContext = { mode: 'zone', zone: options.zone ?? 'zone-1', environment: 'universal' };
  const dataplanes: NewResource[] = [];
  const reaches = new Map<string, string[]>();
  // Interleaved (one Dataplane of each service, then the second of each, ...), as a rollout would.
  for (let round = 0; round < most; round++) {
    services.forEach((svc, i) => {
      if ((perService[i] ?? 0) <= round) return;
      const name = `${svc.name}-${round}`;
      svc.dataplanes.push(name);
      const n = dataplanes.length;
      const reach = options.reach === undefined ? undefined : reachOf(n, options.reach, serviceCount);
      if (reach) reaches.set(name, reach);
      dataplanes.push(dataplaneResource(mesh, name, n, svc, ctx, reach));
    });
  }
  return { mesh, services, dataplanes, reaches };
}

/** k distinct services spread over the mesh, different for neighbouring Dataplanes. */
function reachOf(n: number, k: number, services: number): string[] {
  const stride = Math.max(1, Math.floor(services / k));
  const out = new Set<string>();
  for (let j = 0; out.size < Math.min(k, services); j++) out.add(serviceName((n * 7 + j * stride + Math.floor(j / k)) % services));
  return [...out];
}

export function dataplaneResource(mesh: string, name: string, n: number, svc: Pick<ServicePlan, 'name' | 'ports'>, ctx: AdmissionContext, reach?: readonly string[]): NewResource {
  const body = {
    networking: {
      address: dataplaneAddress(n),
      admin: { port: 9901 },
      inbound: svc.ports.map((p) => ({
        port: p.port,
        servicePort: 10000 + p.port,
        tags: { 'kuma.io/service': svc.name, 'kuma.io/protocol': p.protocol, version: 'v1', team: `team-${svc.name.slice(-1)}` },
      })),
      transparentProxying: {
        redirectPortInbound: 15006,
        redirectPortOutbound: 15001,
        ...(reach ? { reachableBackends: { refs: reach.map((s) => ({ kind: 'MeshService', name: s })) } } : {}),
      },
    },
  };
  return admit({ kind: kindByName('Dataplane'), name, mesh, labels: { app: svc.name }, body }, ctx).resource;
}

/** The Mesh resource with a given `meshServices.mode`. */
export function meshResource(name: string, mode: 'Disabled' | 'Everywhere' | 'ReachableBackends' | 'Exclusive'): NewResource {
  const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };
  return admit({ kind: kindByName('Mesh'), name, mesh: '', labels: {}, body: { meshServices: { mode } } }, ctx).resource;
}
