/**
 * Synced copies: resources a control plane holds because the sync wrote them, not a user. The
 * REST/CLI write path refuses to change or delete them (the next sync would undo it, or worse, a
 * zone would "own" a copy of another zone's service). Pure; the API maps the refusal to a 4xx
 * (Kuma answers 405 Method Not Allowed for its read-only resources).
 */
import type { ControlPlaneMode } from '../core/admission.js';
import { describeKey, type Labels, type ResourceKey } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';

/**
 * On a zone, anything labelled `kuma.io/origin: global` came from global; on global, anything
 * labelled `kuma.io/origin: zone` came from a zone. Resources without the label are local.
 */
export function isSyncedCopy(resource: { readonly labels: Labels }, mode: ControlPlaneMode): boolean {
  const origin = resource.labels[LABEL.origin];
  return origin !== undefined && origin !== mode;
}

/** Why a write to `resource` is refused, or undefined when it is a local resource. */
export function syncedCopyRefusal(resource: ResourceKey & { readonly labels: Labels }, mode: ControlPlaneMode): string | undefined {
  if (!isSyncedCopy(resource, mode)) return undefined;
  if (mode === 'zone') {
    return (
      `${describeKey(resource)} was synced from the global control plane (labelled ${LABEL.origin}: global)` +
      ` and cannot be modified or deleted on a zone control plane; change it on the global control plane`
    );
  }
  const zone = resource.labels[LABEL.zone];
  const from = zone ? `zone '${zone}'` : 'a zone';
  return (
    `${describeKey(resource)} was synced from ${from} (labelled ${LABEL.origin}: zone)` +
    ` and cannot be modified or deleted on the global control plane; change it on the zone control plane that owns it`
  );
}
