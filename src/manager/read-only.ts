/**
 * Which kinds a control plane refuses to write through the API (Kuma's descriptor `ReadOnly`).
 * Pure: the answer depends only on the kind's sync rule and the control-plane mode.
 */
import type { ControlPlaneMode } from '../core/admission.js';
import type { KindDescriptor } from '../core/descriptor.js';

/**
 * Returns why `kind` cannot be written on a control plane in `mode`, or undefined when it can.
 *
 * - On global, kinds that only a zone provides (they flow zone -> global and never global ->
 *   zones: Dataplane, MeshService, ZoneIngress) are read-only: global holds copies.
 * - On a zone, every kind may be written; what a federated zone received from global is refused
 *   per resource (its `kuma.io/origin: global` label), in synced-copy.ts.
 */
export function readOnlyReason(kind: KindDescriptor, mode: ControlPlaneMode): string | undefined {
  if (mode === 'global' && kind.sync.zoneToGlobal && !kind.sync.globalToZones) {
    return (
      `On global control plane you can not modify ${kind.name} resources with 'meshplane apply' or via the HTTP API.` +
      ` You can still use 'meshplane' or the HTTP API to modify them on the zone control plane.`
    );
  }
  return undefined;
}

export function isReadOnly(kind: KindDescriptor, mode: ControlPlaneMode): boolean {
  return readOnlyReason(kind, mode) !== undefined;
}
