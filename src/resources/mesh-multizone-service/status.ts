/**
 * What a zone computes for a MeshMultiZoneService (semantics 6.3): the MeshServices its selector
 * matches, local and synced alike, and the MeshServicesMatched condition. Unlike Kuma (quirk Q7)
 * only MeshServices of the MMZS's own mesh are matched.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Labels } from '../../core/resource.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { HostnameGeneratorCondition } from '../mesh-service/types.js';
import {
  MATCHES_FOUND,
  type MatchedMeshService,
  MESH_SERVICES_MATCHED,
  type MeshMultiZoneServiceSpec,
  type MeshMultiZoneServiceStatus,
  NO_MATCHES_FOUND,
  selectorLabelsOf,
} from './types.js';

export interface ComputedMeshMultiZoneServiceStatus {
  readonly meshServices: MatchedMeshService[];
  readonly condition: HostnameGeneratorCondition;
}

interface MeshServiceLike {
  readonly mesh: string;
  readonly name: string;
  readonly labels: Labels;
}

export function computeMeshMultiZoneServiceStatus(
  mmzs: { readonly mesh: string; readonly spec: MeshMultiZoneServiceSpec },
  meshServices: Iterable<MeshServiceLike>,
): ComputedMeshMultiZoneServiceStatus {
  const wanted = Object.entries(selectorLabelsOf(mmzs.spec));
  const matched: MatchedMeshService[] = [];
  for (const ms of meshServices) {
    if (ms.mesh !== mmzs.mesh || !wanted.every(([k, v]) => ms.labels[k] === v)) continue;
    matched.push({
      name: ms.labels[LABEL.displayName] || ms.name,
      namespace: ms.labels[LABEL.namespace] ?? '',
      zone: ms.labels[LABEL.zone] ?? '',
      mesh: ms.mesh,
    });
  }
  const sortKey = (m: MatchedMeshService): string => `${m.name}/${m.namespace}/${m.zone}/${m.mesh}`;
  matched.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const condition: HostnameGeneratorCondition =
    matched.length === 0
      ? { type: MESH_SERVICES_MATCHED, status: 'False', reason: NO_MATCHES_FOUND, message: 'Selector does not match any MeshService in this zone' }
      : { type: MESH_SERVICES_MATCHED, status: 'True', reason: MATCHES_FOUND, message: `Matched ${matched.length} MeshService(s)` };
  return { meshServices: matched, condition };
}

/** The new status with only `meshServices` and our condition replaced, or undefined if unchanged. */
export function applyMeshMultiZoneServiceStatus(
  current: MeshMultiZoneServiceStatus | undefined,
  computed: ComputedMeshMultiZoneServiceStatus,
): MeshMultiZoneServiceStatus | undefined {
  const conditions = current?.conditions ?? [];
  const old = conditions.find((c) => c.type === MESH_SERVICES_MATCHED);
  if (isDeepStrictEqual(current?.meshServices ?? [], computed.meshServices) && isDeepStrictEqual(old, computed.condition)) return undefined;
  const nextConditions = old
    ? conditions.map((c) => (c.type === MESH_SERVICES_MATCHED ? computed.condition : c))
    : [...conditions, computed.condition];
  const { meshServices: _old, ...rest } = current ?? {};
  return { ...rest, ...(computed.meshServices.length > 0 ? { meshServices: computed.meshServices } : {}), conditions: nextConditions };
}
