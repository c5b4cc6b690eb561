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
  for (const m of resourceNameErrors(input.name)) violations.push({ field: 'name', message: m });
  if (kind.nameRule === 'dns1035' && violations.length === 0) {
    const display = input.labels[LABEL.displayName] || input.name;
    for (const m of dns1035LabelErrors(display)) violations.push({ field: 'name', message: m });
  }
  violations.push(...validateLabels(input, ctx, existing));

  const decoded = decode(kind.specSchema, input.body, kind.shape === 'spec' ? PathBuilder.of('spec') : PathBuilder.root());
  violations.push(...decoded.violations);
  if (decoded.violations.length === 0) {
    violations.push(...kind.validate({ name: input.name, mesh: input.mesh, labels: input.labels, spec: decoded.value }));
  }
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
