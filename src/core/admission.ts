/**
 * Admission: everything between a user's document and the store. Checks the name, the labels and
 * the spec (schema, then the kind's own rules), fills defaults and Kuma's computed labels, and
 * drops any status the user sent. Pure: the caller does the I/O.
 */
import type { KindDescriptor } from './descriptor.js';
import { dns1035LabelErrors, resourceNameErrors } from './dns-names.js';
import { ValidationError } from './errors.js';
import type { Labels, NewResource, Resource } from './resource.js';
import { decode } from './schema.js';
import { PathBuilder, type Violation } from './violations.js';
import { LABEL } from './well-known-labels.js';

export type ControlPlaneMode = 'zone' | 'global';

export interface AdmissionContext {
  readonly mode: ControlPlaneMode;
  /** This control plane's zone name (zone mode). */
  readonly zone: string;
  readonly environment: 'universal';
}

export interface AdmissionInput {
  readonly kind: KindDescriptor;
  readonly name: string;
  readonly mesh: string;
  readonly labels: Labels;
  readonly body: unknown;
}

export interface Admitted {
  readonly resource: NewResource;
  readonly warnings: string[];
}

/** Kinds whose labels Kuma computes on write (the newer kinds and Dataplane). */
function getsComputedLabels(kind: KindDescriptor): boolean {
  return kind.shape === 'spec' || kind.name === 'Dataplane';
}

/** Validates and completes a write. Throws ValidationError listing every violation. */
export function admit(input: AdmissionInput, ctx: AdmissionContext, existing?: Resource): Admitted {
  const { kind } = input;
  const violations: Violation[] = [];
  violations.push(...nameViolations(kind, input));
  violations.push(...validateLabels(input, ctx, existing));

  const decoded = decode(kind.specSchema, input.body, kind.shape === 'spec' ? PathBuilder.of('spec') : PathBuilder.root());
  violations.push(...decoded.violations);
  violations.push(...semanticViolations(kind, input, decoded.value, decoded.violations));
  if (violations.length > 0) throw new ValidationError(violations);

  const validated = { name: input.name, mesh: input.mesh, labels: input.labels, spec: decoded.value };
  const warnings = [...decoded.warnings, ...(kind.warnings?.(validated) ?? [])];
  const labels = getsComputedLabels(kind) ? computeLabels(input, ctx) : { ...input.labels };
  return {
    resource: {
      type: kind.name,
      mesh: kind.scope === 'Mesh' ? input.mesh : '',
      name: input.name,
      labels,
      spec: decoded.value,
      ...(existing?.status !== undefined ? { status: existing.status } : {}),
    },
    warnings,
  };
}

/** Names that end up in DNS must be RFC 1035 labels; the others follow Kuma's resource-name rule. */
function nameViolations(kind: KindDescriptor, input: AdmissionInput): Violation[] {
  if (kind.nameRule === 'dns1035' && input.name !== '') {
    const display = input.labels[LABEL.displayName] || input.name;
    return dns1035LabelErrors(display).map((message) => ({ field: 'name', message }));
  }
  return resourceNameErrors(input.name).map((message) => ({ field: 'name', message }));
}

/**
 * The kind's own rules run even when the schema found problems, so the user gets every violation
 * at once. Fields the schema refused are absent from `spec`; a validator that trips over such a gap
 * adds nothing (the schema violations already say what is wrong), and rules about a field the
 * schema already reported are not repeated.
 */
function semanticViolations(kind: KindDescriptor, input: AdmissionInput, spec: unknown, schemaViolations: readonly Violation[]): Violation[] {
  if (spec === undefined) return [];
  let found: Violation[];
  try {
    found = kind.validate({ name: input.name, mesh: input.mesh, labels: input.labels, spec });
  } catch (err) {
    if (schemaViolations.length === 0) throw err;
    return [];
  }
  const reported = schemaViolations.map((v) => v.field);
  const within = (inner: string, outer: string): boolean =>
    inner === outer || outer === '' || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  // A rule about a refused field, or about a section that only looks empty because a field in it
  // was refused, would repeat or mislead.
  const related = (field: string): boolean => reported.some((r) => within(field, r) || within(r, field));
  return found.filter((v) => !related(v.field));
}

/** Kuma's computed labels: display name always; mesh, origin, zone and env when absent. */
export function computeLabels(input: Pick<AdmissionInput, 'kind' | 'name' | 'mesh' | 'labels'>, ctx: AdmissionContext): Labels {
  const labels: Labels = { ...input.labels };
  labels[LABEL.displayName] = input.name;
  if (input.kind.scope === 'Mesh') labels[LABEL.mesh] ??= input.mesh;
  labels[LABEL.origin] ??= ctx.mode;
  if (ctx.mode === 'zone') labels[LABEL.zone] ??= ctx.zone;
  labels[LABEL.env] ??= ctx.environment;
  return labels;
}

function validateLabels(input: AdmissionInput, ctx: AdmissionContext, existing?: Resource): Violation[] {
  const out: Violation[] = [];
  const at = (key: string): string => `labels[${JSON.stringify(key)}]`;
  const origin = input.labels[LABEL.origin];
  if (origin !== undefined && origin !== 'zone' && origin !== 'global') {
    out.push({ field: at(LABEL.origin), message: `unknown resource origin ${JSON.stringify(origin)}` });
  } else if (origin !== undefined && origin !== ctx.mode) {
    out.push({ field: at(LABEL.origin), message: `must be ${JSON.stringify(ctx.mode)} on a ${ctx.mode} control plane` });
  }
  const zone = input.labels[LABEL.zone];
  const oldZone = existing?.labels[LABEL.zone];
  if (oldZone !== undefined && zone !== undefined && zone !== oldZone) {
    out.push({ field: at(LABEL.zone), message: `is immutable, cannot be changed from ${JSON.stringify(oldZone)} to ${JSON.stringify(zone)}` });
  } else if (ctx.mode === 'zone' && zone !== undefined && zone !== ctx.zone && oldZone === undefined) {
    out.push({ field: at(LABEL.zone), message: `kuma.io/zone label should have ${ctx.zone} value` });
  }
  const mesh = input.labels[LABEL.mesh];
  if (input.kind.scope === 'Mesh' && mesh !== undefined && mesh !== input.mesh) {
    out.push({ field: at(LABEL.mesh), message: 'kuma.io/mesh label must not differ from mesh set on resource' });
  }
  for (const [k, v] of Object.entries(input.labels)) {
    if (k === '' || k.length > 253) out.push({ field: 'labels', message: `label key ${JSON.stringify(k)} must be 1-253 characters` });
    if (v.length > 253) out.push({ field: at(k), message: 'must be no more than 253 characters' });
  }
  return out;
}
