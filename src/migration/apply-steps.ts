/**
 * `migrate apply` as an ordered list of writes, in an order that never takes a destination away
 * from a proxy before its replacement exists (issue 8; seed "Migration steps"):
 * 1. enable: mode Everywhere (MeshServices are generated and every proxy gets them, beside the
 *    `kuma.io/service` destinations), unless the mesh is there or already at the target;
 * 2. multizone: create the recommended MeshMultiZoneServices;
 * 3. references: rewrite every route and policy that names a destination the old way;
 * 4. switch: the target mode, last.
 * Each phase is also a state the plan evaluates (`phaseStates`), so the plan can say which proxy
 * would lose what between two steps.
 */
import type { Resource } from '../core/resource.js';
import type { MeshServicesMode } from '../resources/mesh/types.js';
import type { ApplyStep, MigrationTarget } from './types.js';
import { type MigrationState, withMode } from './zone-views.js';

export interface StepInputs {
  readonly mesh: Resource;
  readonly from: MeshServicesMode;
  readonly to: MigrationTarget;
  readonly create: readonly Resource[];
  readonly rewrite: readonly Resource[];
}

/** The mode after the enable phase (Everywhere when the plan passes through it). */
function enabledMode(i: StepInputs): MeshServicesMode {
  return i.from !== 'Everywhere' && i.to !== i.from ? 'Everywhere' : i.from;
}

export function applySteps(i: StepInputs): ApplyStep[] {
  const steps: Omit<ApplyStep, 'index'>[] = [];
  const setMode = (mode: MeshServicesMode, phase: ApplyStep['phase'], why: string): void => {
    const mesh = withMode(i.mesh, mode);
    steps.push({ phase, action: 'set-mode', type: 'Mesh', mesh: '', name: i.mesh.name, summary: `set meshServices.mode to ${mode}: ${why}`, labels: mesh.labels, spec: mesh.spec });
  };
  const enabled = enabledMode(i);
  if (enabled !== i.from) setMode(enabled, 'enable', 'MeshServices are generated and reach every proxy beside the kuma.io/service destinations');
  for (const r of i.create) {
    steps.push({ phase: 'multizone', action: 'create', type: r.type, mesh: r.mesh, name: r.name, summary: `create MeshMultiZoneService ${r.name}`, labels: {}, spec: r.spec });
  }
  for (const r of i.rewrite) {
    steps.push({ phase: 'references', action: 'update', type: r.type, mesh: r.mesh, name: r.name, summary: `rewrite the references of ${r.type} ${r.name}`, labels: r.labels, spec: r.spec });
  }
  if (enabled !== i.to) setMode(i.to, 'switch', i.to === 'Exclusive' ? 'kuma.io/service destinations go away' : 'MeshServices reach only the proxies that list them in reachableBackends');
  return steps.map((s, index) => ({ index: index + 1, ...s }));
}

/** The state after each phase that has steps, in order, ending with the final state. */
export function phaseStates(i: StepInputs): { readonly phase: ApplyStep['phase']; readonly state: MigrationState }[] {
  const enabled = enabledMode(i);
  const out: { phase: ApplyStep['phase']; state: MigrationState }[] = [];
  if (enabled !== i.from) out.push({ phase: 'enable', state: { mode: enabled, edits: [] } });
  if (i.create.length > 0) out.push({ phase: 'multizone', state: { mode: enabled, edits: [...i.create] } });
  if (i.rewrite.length > 0) out.push({ phase: 'references', state: { mode: enabled, edits: [...i.create, ...i.rewrite] } });
  if (enabled !== i.to) out.push({ phase: 'switch', state: { mode: i.to, edits: [...i.create, ...i.rewrite] } });
  return out;
}
