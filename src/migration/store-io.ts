/**
 * The edge of the migration assistant: reads what the plan needs from the store, carries out an
 * apply plan step by step (writes go through the ResourceManager, so every new or rewritten
 * resource passes admission like a user's), keeps the rollback record current after every write,
 * and rolls back from it. Everything it decides comes from the pure modules beside it.
 */
import { ResourceNotFoundError, ValidationError } from '../core/errors.js';
import { kindByName } from '../core/registry.js';
import type { Resource, ResourceKey } from '../core/resource.js';
import type { ParsedDocument } from '../core/wire.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import type { ResourceStore } from '../store/store.js';
import { type MigrationInputs, PLAN_GLOBAL_KINDS, PLAN_MESH_KINDS } from './federation.js';
import { markWritten, type MigrationRecordSpec, recordKey, remember, rollbackPlan, type RollbackAction } from './record.js';
import type { ApplyStep, MigrationPlan, PlanSite } from './types.js';
import { waitForResources } from './wait-resources.js';

export async function readMigrationInputs(store: ResourceStore, mesh: string, site: PlanSite, now: Date): Promise<MigrationInputs> {
  const resources: Resource[] = [];
  for (const type of PLAN_GLOBAL_KINDS) resources.push(...(await store.list({ type })).items);
  for (const type of PLAN_MESH_KINDS) resources.push(...(await store.list({ type, mesh })).items);
  return { mesh, site, resources, now };
}

export async function readRecord(store: ResourceStore, mesh: string): Promise<Resource<MigrationRecordSpec> | undefined> {
  return (await store.get(recordKey(mesh))) as Resource<MigrationRecordSpec> | undefined;
}

export interface ApplyOptions {
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  readonly plan: MigrationPlan;
  readonly now: () => Date;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** How long to wait for the zones' generated MeshServices after enabling them; 0: no wait. */
  readonly waitMs: number;
}

export interface StepResult {
  readonly index: number;
  readonly summary: string;
  readonly result: 'planned' | 'created' | 'updated';
}

export interface ApplyResult {
  readonly mesh: string;
  readonly to: string;
  readonly dryRun: boolean;
  readonly steps: readonly StepResult[];
  readonly warnings: readonly string[];
}

const keyOfStep = (s: ApplyStep): ResourceKey => ({ type: s.type, mesh: s.type === 'Mesh' ? '' : s.mesh, name: s.name });

function documentOf(s: ApplyStep): ParsedDocument {
  return { kind: kindByName(s.type), name: s.name, mesh: s.mesh, labels: s.labels, body: s.spec, warnings: [] };
}

/** The MeshServices the zones generate once enabled, by their name where the plan runs. */
function generatedKeys(plan: MigrationPlan): ResourceKey[] {
  return plan.services.flatMap((s) => s.meshServices.filter((m) => m.state === 'generated').map((m) => ({ type: 'MeshService', mesh: plan.mesh, name: m.siteName ?? m.name })));
}

async function saveRecord(store: ResourceStore, mesh: string, spec: MigrationRecordSpec): Promise<void> {
  const key = recordKey(mesh);
  const existing = await store.get(key);
  if (existing === undefined) await store.create({ ...key, labels: {}, spec });
  else await store.update({ ...key, labels: {}, spec, version: existing.version });
}

export async function runApply(o: ApplyOptions): Promise<ApplyResult> {
  const { plan, store } = o;
  if (plan.verdict.blockers.length > 0 && !o.force) {
    const violations = plan.verdict.blockers.map((message, i) => ({ field: `blockers[${i}]`, message }));
    throw new ValidationError(violations, `migrate apply to ${plan.to} refused: ${violations.length} problems (see the plan; --force applies what it can anyway)`);
  }
  const base = { mesh: plan.mesh, to: plan.to, dryRun: o.dryRun };
  if (o.dryRun || plan.steps.length === 0) return { ...base, steps: plan.steps.map((s) => ({ index: s.index, summary: s.summary, result: 'planned' as const })), warnings: [] };
  let record: MigrationRecordSpec = (await readRecord(store, plan.mesh))?.spec ?? {
    previousMode: plan.from,
    target: plan.to,
    startedAt: o.now().toISOString(),
    applied: [],
    resources: [],
  };
  record = { ...record, target: plan.to };
  for (const s of plan.steps) record = remember(record, keyOfStep(s), await store.get(keyOfStep(s)));
  await saveRecord(store, plan.mesh, record);
  const steps: StepResult[] = [];
  const warnings: string[] = [];
  for (const s of plan.steps) {
    const written = await o.manager.apply(documentOf(s), { mesh: plan.mesh });
    warnings.push(...written.warnings.map((w) => `${s.type} ${s.name}: ${w}`));
    record = markWritten(record, written.resource, `${o.now().toISOString()} ${s.summary}`);
    await saveRecord(store, plan.mesh, record);
    steps.push({ index: s.index, summary: s.summary, result: written.created ? 'created' : 'updated' });
    if (s.phase === 'enable' && o.waitMs > 0) await waitForResources(store, generatedKeys(plan), o.waitMs, 'the MeshServices the zones generate');
  }
  return { ...base, steps, warnings };
}

export interface RollbackResult {
  readonly mesh: string;
  readonly dryRun: boolean;
  readonly actions: readonly { readonly action: RollbackAction['action']; readonly type: string; readonly name: string }[];
}

export async function runRollback(o: { readonly store: ResourceStore; readonly mesh: string; readonly dryRun: boolean; readonly force: boolean }): Promise<RollbackResult> {
  const { store, mesh } = o;
  const record = await readRecord(store, mesh);
  if (record === undefined) throw new ResourceNotFoundError(recordKey(mesh));
  const current = new Map<string, Resource | undefined>();
  for (const r of record.spec.resources) current.set(`${r.type}/${r.mesh}/${r.name}`, await store.get({ type: r.type, mesh: r.mesh, name: r.name }));
  const plan = rollbackPlan(record.spec, (k) => current.get(`${k.type}/${k.mesh}/${k.name}`));
  if (plan.changedSince.length > 0 && !o.force) {
    const violations = plan.changedSince.map((message, i) => ({ field: `changed[${i}]`, message }));
    throw new ValidationError(violations, 'migrate rollback refused: resources changed after migrate apply wrote them (--force puts the recorded state back anyway)');
  }
  const actions = plan.actions.map((a) => ({ action: a.action, type: a.key.type, name: a.key.name }));
  if (o.dryRun) return { mesh, dryRun: true, actions };
  for (const a of plan.actions) {
    if (a.action === 'delete') await store.delete(a.key);
    else if (a.action === 'recreate') await store.create({ ...a.key, labels: a.labels, spec: a.spec });
    else {
      const now = await store.get(a.key);
      await store.update({ ...a.key, labels: a.labels, spec: a.spec, ...(now?.status === undefined ? {} : { status: now.status }), version: now?.version ?? a.version ?? 0 });
    }
  }
  await store.delete(recordKey(mesh));
  return { mesh, dryRun: false, actions };
}
