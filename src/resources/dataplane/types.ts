/**
 * Dataplane: one proxy and the traffic it serves (inbounds) and sends (outbounds, reachable
 * backends). Flat: `networking` sits beside type/name/mesh. Kuma 2.x universal format.
 */
import { SERVICE_TAG } from '../../core/well-known-labels.js';

export const INBOUND_STATES = ['Ready', 'NotReady', 'Ignored'] as const;
export type InboundState = (typeof INBOUND_STATES)[number];
export const GATEWAY_TYPES = ['DELEGATED', 'BUILTIN'] as const;
export const BACKEND_KINDS = ['MeshExternalService', 'MeshMultiZoneService', 'MeshService'] as const;

export type Tags = Readonly<Record<string, string>>;

export interface Inbound {
  readonly port?: number;
  readonly servicePort?: number;
  readonly serviceAddress?: string;
  readonly address?: string;
  /** The section name MeshService `targetPort` strings refer to. */
  readonly name?: string;
  readonly tags?: Tags;
  /** Set by the data plane's readiness probes; absent means healthy. */
  readonly health?: { readonly ready?: boolean };
  /** Absent means Ready (proto default). */
  readonly state?: InboundState;
  readonly protocol?: string;
  readonly serviceProbe?: unknown;
}

export interface BackendRef {
  readonly kind?: string;
  readonly name?: string;
  readonly port?: number;
  readonly labels?: Tags;
}

export interface Outbound {
  readonly port?: number;
  readonly address?: string;
  readonly tags?: Tags;
  readonly backendRef?: BackendRef;
}

export interface ReachableBackendRef {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly labels?: Tags;
}

export interface TransparentProxying {
  readonly redirectPortInbound?: number;
  readonly redirectPortOutbound?: number;
  readonly reachableServices?: readonly string[];
  /** Present (even with `refs: []`) means: only these backends are reachable. */
  readonly reachableBackends?: { readonly refs?: readonly ReachableBackendRef[] };
  readonly directAccessServices?: readonly string[];
  readonly ipFamilyMode?: string;
}

export interface Networking {
  readonly address?: string;
  readonly advertisedAddress?: string;
  readonly inbound?: readonly Inbound[];
  readonly outbound?: readonly Outbound[];
  readonly gateway?: { readonly tags?: Tags; readonly type?: (typeof GATEWAY_TYPES)[number] };
  readonly admin?: { readonly port?: number };
  readonly transparentProxying?: TransparentProxying;
}

export interface DataplaneSpec {
  readonly networking?: Networking;
  readonly metrics?: unknown;
  readonly probes?: unknown;
}

export function inboundsOf(spec: DataplaneSpec): readonly Inbound[] {
  return spec.networking?.inbound ?? [];
}

/** The distinct `kuma.io/service` values of the inbounds, in order of first appearance. */
export function serviceTagsOf(spec: DataplaneSpec): string[] {
  const values = inboundsOf(spec).flatMap((i) => {
    const v = i.tags?.[SERVICE_TAG];
    return v ? [v] : [];
  });
  return [...new Set(values)];
}

/** Serves traffic: state Ready (or absent) and no failed health report. */
export function isInboundHealthy(inbound: Inbound): boolean {
  return (inbound.state ?? 'Ready') === 'Ready' && (inbound.health === undefined || inbound.health.ready === true);
}

/** The address an inbound listens on: its own, else the Dataplane's. */
export function inboundAddressOf(spec: DataplaneSpec, inbound: Inbound): string {
  return inbound.address || spec.networking?.address || '';
}
