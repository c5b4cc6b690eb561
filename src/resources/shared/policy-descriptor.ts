/**
 * What every route and policy kind has in common: a mesh-scoped `spec:` kind whose status carries
 * the ReferencesResolved condition (src/policies/reference-status-controller.ts), created on global
 * or in a zone and synced like Kuma's policies. Each kind supplies its names, schema, validator and
 * the columns that differ.
 */
import type { KindDescriptor, TableColumn } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import type { Schema } from '../../core/schema.js';
import type { Violation } from '../../core/violations.js';
import type { ValidationInput } from '../../core/descriptor.js';
import { referencesColumn } from '../../policies/reference-condition.js';
import { describeTargetRef, type TargetRef } from './target-ref.js';

interface PolicyShape {
  readonly targetRef?: TargetRef;
  readonly to?: readonly { readonly targetRef?: TargetRef; readonly rules?: readonly unknown[] }[];
}

const toEntries = (r: Resource): NonNullable<PolicyShape['to']> => (r.spec as PolicyShape).to ?? [];

/** TARGETREF and TO: the columns of the policies that configure destinations. */
export const POLICY_COLUMNS: readonly TableColumn[] = [
  { header: 'TARGETREF', value: (r: Resource) => describeTargetRef((r.spec as PolicyShape).targetRef) },
  { header: 'TO', value: (r: Resource) => toEntries(r).map((e) => describeTargetRef(e.targetRef)).join(',') },
];

/** TARGETS and RULES: the columns of the routes (MeshHTTPRoute, MeshTCPRoute). */
export const ROUTE_COLUMNS: readonly TableColumn[] = [
  { header: 'TARGETS', value: (r: Resource) => toEntries(r).map((e) => describeTargetRef(e.targetRef)).join(',') },
  { header: 'RULES', value: (r: Resource) => String(toEntries(r).reduce((n, e) => n + (e.rules ?? []).length, 0)) },
];

export function policyDescriptor<Spec>(kind: {
  readonly name: string;
  readonly shortName: string;
  readonly singular: string;
  readonly plural: string;
  readonly specSchema: Schema;
  readonly validate: (input: ValidationInput<Spec>) => Violation[];
  /** Columns before REFERENCES; POLICY_COLUMNS unless the kind says otherwise. */
  readonly columns?: readonly TableColumn[];
}): KindDescriptor<Spec> {
  return {
    name: kind.name,
    shortName: kind.shortName,
    scope: 'Mesh',
    plural: kind.plural,
    cli: { singular: kind.singular, plural: kind.plural, aliases: [kind.shortName] },
    shape: 'spec',
    hasStatus: true,
    isPolicy: true,
    isDestination: false,
    sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
    nameRule: 'resource',
    specSchema: kind.specSchema,
    validate: kind.validate,
    columns: [...(kind.columns ?? POLICY_COLUMNS), { header: 'REFERENCES', value: referencesColumn }],
  };
}
