/**
 * `/_resources`: the catalogue of kinds in Kuma's shape, built from the descriptors. Pure.
 */
import type { ControlPlaneMode } from '../core/admission.js';
import type { KindDescriptor } from '../core/descriptor.js';
import { isReadOnly } from '../manager/read-only.js';

/** `MeshHTTPRoute` -> `Mesh HTTP Route`, `HostnameGenerator` -> `Hostname Generator`. */
export function singularDisplayName(typeName: string): string {
  return typeName.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

/** English plural of the last word: Retry -> Retries, Mesh -> Meshes, Route -> Routes. */
export function pluralDisplayName(typeName: string): string {
  const singular = singularDisplayName(typeName);
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  if (/(s|sh|ch|x|z)$/.test(singular)) return `${singular}es`;
  return `${singular}s`;
}

interface PolicyDescription {
  hasFromTargetRef: boolean;
  hasRulesTargetRef: boolean;
  hasToTargetRef: boolean;
  isFromAsRules: boolean;
  isTargetRef: boolean;
}

/** What a policy's spec offers, read from its schema's top-level fields. */
function policyDescription(kind: KindDescriptor): PolicyDescription {
  const fields = kind.specSchema.kind === 'object' ? kind.specSchema.fields : {};
  const hasRules = 'rules' in fields;
  return {
    hasFromTargetRef: 'from' in fields,
    hasRulesTargetRef: hasRules,
    hasToTargetRef: 'to' in fields,
    isFromAsRules: hasRules,
    isTargetRef: true,
  };
}

/** One entry; keys in alphabetical order, as Kuma's golden shows them. */
export function describeKind(kind: KindDescriptor, mode: ControlPlaneMode): Record<string, unknown> {
  const out: Record<string, unknown> = {
    includeInFederation: kind.sync.globalToZones,
    name: kind.name,
    path: kind.plural,
    pluralDisplayName: pluralDisplayName(kind.name),
  };
  if (kind.isPolicy) out.policy = policyDescription(kind);
  out.readOnly = isReadOnly(kind, mode);
  out.scope = kind.scope;
  out.shortName = kind.shortName;
  out.singularDisplayName = singularDisplayName(kind.name);
  return out;
}

export function resourceCatalogue(kinds: readonly KindDescriptor[], mode: ControlPlaneMode): { resources: Record<string, unknown>[] } {
  const sorted = [...kinds].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { resources: sorted.map((k) => describeKind(k, mode)) };
}
