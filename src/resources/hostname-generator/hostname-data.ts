/** Kuma's rules for what a hostname template sees about the resource it names (semantics 5.3). */
import type { Labels } from '../../core/resource.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { HostnameData } from './template.js';

/**
 * `.Name` is the core name (for a synced resource, the hashed one); `.DisplayName` is the
 * `kuma.io/display-name` label when present, even empty; `.Zone` falls back to the zone of the
 * control plane doing the rendering when the resource has no (or an empty) `kuma.io/zone` label.
 */
export function hostnameDataOf(
  r: { readonly name: string; readonly mesh: string; readonly labels: Labels },
  localZone: string,
): HostnameData {
  const display = r.labels[LABEL.displayName];
  return {
    name: r.name,
    displayName: display !== undefined ? display : r.name,
    namespace: r.labels[LABEL.namespace] ?? '',
    mesh: r.mesh,
    zone: r.labels[LABEL.zone] || localZone,
    labels: r.labels,
  };
}
