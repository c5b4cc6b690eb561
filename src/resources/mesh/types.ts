/** Mesh: the unit of isolation. 2.x carries the MeshService migration mode (traffic doc 2). */

/** Proto order matters: REST accepts the number (0-3) as well as the name. */
export const MESH_SERVICES_MODES = ['Disabled', 'Everywhere', 'ReachableBackends', 'Exclusive'] as const;
export type MeshServicesMode = (typeof MESH_SERVICES_MODES)[number];

/**
 * Flat: these fields sit beside type/name. Everything but `meshServices` is kept as given
 * (Kuma's mTLS, tracing, ... blocks round-trip unchanged; Meshplane does not interpret them yet).
 */
export interface MeshSpec {
  readonly meshServices?: { readonly mode?: MeshServicesMode | number };
  readonly mtls?: unknown;
  readonly networking?: unknown;
  readonly routing?: unknown;
  readonly tracing?: unknown;
  readonly logging?: unknown;
  readonly metrics?: unknown;
  readonly constraints?: unknown;
  readonly skipCreatingInitialPolicies?: unknown;
}

/** The effective mode: absent block or mode means `Disabled` in every 2.x release. */
export function meshServicesModeOf(spec: MeshSpec | undefined): MeshServicesMode {
  const mode = spec?.meshServices?.mode;
  if (typeof mode === 'number') return MESH_SERVICES_MODES[mode] ?? 'Disabled';
  return mode ?? 'Disabled';
}
