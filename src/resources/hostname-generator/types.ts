/** HostnameGenerator: a template that gives hostnames to the MeshServices (and friends) it selects. */
import type { Labels } from '../../core/resource.js';

/** The kinds a generator can select, by their selector key. */
export const SELECTOR_KINDS = {
  meshService: 'MeshService',
  meshExternalService: 'MeshExternalService',
  meshMultiZoneService: 'MeshMultiZoneService',
} as const;
export type SelectorKey = keyof typeof SELECTOR_KINDS;
export type SelectableKind = (typeof SELECTOR_KINDS)[SelectorKey];

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
}

export interface HostnameGeneratorSpec {
  /** Exactly one of the three. */
  readonly selector?: { readonly [K in SelectorKey]?: LabelSelector };
  /** A hostname template (see template.ts). */
  readonly template?: string;
  /** For plugins; Kuma itself ignores it. */
  readonly extension?: { readonly type?: string; readonly config?: unknown };
}

/** The selector key that is set, or undefined when none (or, invalidly, several) are. */
export function selectorKeyOf(spec: HostnameGeneratorSpec): SelectorKey | undefined {
  const set = (Object.keys(SELECTOR_KINDS) as SelectorKey[]).filter((k) => spec.selector?.[k] !== undefined);
  return set.length === 1 ? set[0] : undefined;
}

/**
 * Whether the generator applies to a resource of `kind` with `labels`: its selector is for that
 * kind and every matchLabels pair is present (an empty matchLabels selects every such resource).
 */
export function hostnameGeneratorSelects(spec: HostnameGeneratorSpec, kind: string, labels: Labels): boolean {
  const key = selectorKeyOf(spec);
  if (key === undefined || SELECTOR_KINDS[key] !== kind) return false;
  const wanted = spec.selector?.[key]?.matchLabels ?? {};
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}
