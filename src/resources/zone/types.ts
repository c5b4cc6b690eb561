/** Zone: a zone control plane known to the global one. Flat: `enabled` sits beside type/name. */
export interface ZoneSpec {
  /** Kuma's BoolValue: absent means enabled. */
  readonly enabled?: boolean;
}

export function isZoneEnabled(spec: ZoneSpec | undefined): boolean {
  return spec?.enabled ?? true;
}
