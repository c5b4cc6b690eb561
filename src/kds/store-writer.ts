/**
 * Carries out sync plans on a store. A write that loses a race (someone wrote the same key
 * between our read and our write) is planned again from a fresh read, a few times, so a
 * concurrent controller (the zone's VIP allocator writing a synced copy's status) never makes
 * the sync give up or write over the other writer's change.
 */
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyString, type NewResource, type ResourceKey } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';
import { planDelete, planFullSync, planUpsert, type ReceiverRules, type Step } from './sync-plan.js';

const ATTEMPTS = 3;

export interface WriteReport {
  /** Store writes made (creates, updates, deletes). */
  writes: number;
  /** Incoming resources not written, each with the reason. */
  readonly refused: string[];
}

export function emptyReport(): WriteReport {
  return { writes: 0, refused: [] };
}

/** Makes the store hold `incoming` (create or update), if it does not already. */
export async function upsertSynced(store: ResourceStore, incoming: NewResource, rules: ReceiverRules, report: WriteReport): Promise<void> {
  const replan = async (): Promise<Step | undefined> => planUpsert(incoming, await store.get(incoming), rules);
  await carryOut(store, await replan(), replan, report);
}

/** Deletes the synced copy at `key`, if this stream manages it. */
export async function deleteSynced(store: ResourceStore, key: ResourceKey, rules: ReceiverRules, report: WriteReport): Promise<void> {
  const replan = async (): Promise<Step | undefined> => planDelete(key, await store.get(key), rules);
  await carryOut(store, await replan(), replan, report);
}

/** A full sync of `types`: the store ends up holding exactly what arrived, for what this stream manages. */
export async function reconcileFull(
  store: ResourceStore,
  types: readonly string[],
  incoming: readonly NewResource[],
  rules: ReceiverRules,
): Promise<WriteReport> {
  const report = emptyReport();
  const current = (await Promise.all(types.map(async (type) => (await store.list({ type })).items))).flat();
  const arriving = new Map(incoming.map((r) => [keyString(r), r]));
  for (const step of planFullSync(incoming, current, rules)) {
    const key = step.op === 'create' || step.op === 'update' ? step.resource : step.key;
    const again = arriving.get(keyString(key));
    const replan = async (): Promise<Step | undefined> =>
      again ? planUpsert(again, await store.get(key), rules) : planDelete(key, await store.get(key), rules);
    await carryOut(store, step, replan, report);
  }
  return report;
}

/** Executes `step`; when it loses a race, plans again from a fresh read (a few times). */
async function carryOut(
  store: ResourceStore,
  first: Step | undefined,
  replan: () => Promise<Step | undefined>,
  report: WriteReport,
): Promise<void> {
  let step = first;
  for (let attempt = 1; step; attempt++) {
    try {
      await execute(store, step, report);
      return;
    } catch (err) {
      const lostRace = err instanceof ResourceConflictError || err instanceof ResourceAlreadyExistsError || err instanceof ResourceNotFoundError;
      if (!lostRace || attempt >= ATTEMPTS) throw err;
    }
    step = await replan();
  }
}

async function execute(store: ResourceStore, step: Step, report: WriteReport): Promise<void> {
  switch (step.op) {
    case 'create':
      await store.create(step.resource);
      break;
    case 'update':
      await store.update(step.resource);
      break;
    case 'delete':
      await store.delete(step.key, { version: step.version });
      break;
    case 'refuse':
      report.refused.push(step.reason);
      return;
  }
  report.writes++;
}
