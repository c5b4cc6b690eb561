/**
 * MeshMultiZoneService: one destination over the MeshServices of several zones, picked by labels.
 * Created on global; each zone computes its own status (matched services, VIP, hostnames).
 */
import type { HostnameGeneratorCondition } from '../mesh-service/types.js';

export interface MeshMultiZoneServicePort {
  /** Optional, but never empty when given; the section name is the name or else the number. */
  readonly name?: string;
  readonly port: number;
  readonly appProtocol: string;
}

export interface MeshMultiZoneServiceSpec {
  readonly selector?: { readonly meshService?: { readonly matchLabels?: Readonly<Record<string, string>> } };
  readonly ports?: readonly MeshMultiZoneServicePort[];
}

/** One matched MeshService, as its KRI names it. */
export interface MatchedMeshService {
  readonly name: string;
  readonly namespace: string;
  readonly zone: string;
  readonly mesh: string;
}

export interface MeshMultiZoneServiceStatus {
  readonly addresses?: readonly {
    readonly hostname: string;
    readonly origin: string;
    readonly hostnameGeneratorRef: { readonly coreName: string };
  }[];
  readonly vips?: readonly { readonly ip: string }[];
  readonly meshServices?: readonly MatchedMeshService[];
  readonly hostnameGenerators?: readonly {
    readonly hostnameGeneratorRef: { readonly coreName: string };
    readonly conditions: readonly HostnameGeneratorCondition[];
  }[];
  readonly conditions?: readonly HostnameGeneratorCondition[];
}

export const MESH_SERVICES_MATCHED = 'MeshServicesMatched';
export const MATCHES_FOUND = 'MatchesFound';
export const NO_MATCHES_FOUND = 'NoMatchesFound';

/** The labels a MeshService must carry, every one of them, to be matched. */
export function selectorLabelsOf(spec: MeshMultiZoneServiceSpec): Readonly<Record<string, string>> {
  return spec.selector?.meshService?.matchLabels ?? {};
}
