/**
 * The migration assistant over REST (docs/migration.md), the same data the CLI prints:
 * - `GET  /meshes/{mesh}/_migration/plan?to=Everywhere|ReachableBackends|Exclusive` (default
 *   Exclusive): the plan, computed from the live store, no writes;
 * - `POST /meshes/{mesh}/_migration/apply` `{"to": MODE, "dryRun"?, "force"?, "timeoutSeconds"?}`:
 *   plans again and carries the plan out, step by step, keeping the rollback record;
 * - `POST /meshes/{mesh}/_migration/rollback` `{"dryRun"?, "force"?}`: puts back what the record holds;
 * - `GET  /meshes/{mesh}/_migration/record`: the rollback record (404 when there is none).
 * They run on a global control plane (it sees every zone) and on a standalone zone; a zone that
 * syncs with a global receives its Mesh, routes and policies from there and answers 405.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdmissionContext } from '../core/admission.js';
import { type Clock, systemClock } from '../core/clock.js';
import { ReadOnlyResourceError, ResourceNotFoundError, ValidationError } from '../core/errors.js';
import { isPlainObject } from '../core/schema.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import { planMigration } from '../migration/plan.js';
import { recordKey } from '../migration/record.js';
import { readMigrationInputs, readRecord, runApply, runRollback } from '../migration/store-io.js';
import { isMigrationTarget, MIGRATION_TARGETS, type MigrationTarget, type PlanSite } from '../migration/types.js';
import { WaitTimeoutError } from '../migration/wait-resources.js';
import type { ResourceStore } from '../store/store.js';
import { titled } from './problem.js';
import { parseJsonBody } from './request-document.js';

export interface MigrationRouteDeps {
  readonly manager: ResourceManager;
  readonly store: ResourceStore;
  readonly admission: AdmissionContext;
  /** A zone control plane connected to a global one. */
  readonly federatedZone: boolean;
  readonly clock?: Clock;
}

const DEFAULT_WAIT_SECONDS = 60;

type MeshParams = { Params: { mesh: string } };

function siteOf(deps: MigrationRouteDeps): PlanSite {
  if (deps.admission.mode === 'global') return { kind: 'global' };
  if (deps.federatedZone) {
    throw new ReadOnlyResourceError(
      "This zone receives its Mesh, routes and policies from the global control plane: run 'meshplane migrate' against the global control plane, which sees every zone",
    );
  }
  return { kind: 'standalone', zone: deps.admission.zone };
}

function targetOf(value: unknown, required: boolean): MigrationTarget {
  if (value === undefined && !required) return 'Exclusive';
  if (isMigrationTarget(value)) return value;
  const shown = value === undefined ? 'nothing' : JSON.stringify(value);
  throw new ValidationError([{ field: 'to', message: `must be one of: ${MIGRATION_TARGETS.join(', ')} (got ${shown})` }]);
}

function bodyOf(raw: unknown): Record<string, unknown> {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return {};
  const parsed = parseJsonBody(text);
  if (!isPlainObject(parsed)) throw new ValidationError([{ field: '', message: 'the body must be a JSON object' }]);
  return parsed;
}

function flag(body: Record<string, unknown>, field: string): boolean {
  const v = body[field];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValidationError([{ field, message: `must be true or false (got ${JSON.stringify(v)})` }]);
  return v;
}

function seconds(body: Record<string, unknown>): number {
  const v = body.timeoutSeconds ?? DEFAULT_WAIT_SECONDS;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValidationError([{ field: 'timeoutSeconds', message: `must be a number of seconds, 0 or more (got ${JSON.stringify(v)})` }]);
  return v;
}

export function registerMigrationRoutes(app: FastifyInstance, deps: MigrationRouteDeps): void {
  const clock = deps.clock ?? systemClock;
  const plan = async (mesh: string, to: MigrationTarget) => {
    const site = siteOf(deps);
    await deps.manager.requireMesh(mesh);
    return planMigration(await readMigrationInputs(deps.store, mesh, site, clock.now()), to);
  };

  app.get('/meshes/:mesh/_migration/plan', async (req: FastifyRequest<MeshParams & { Querystring: { to?: string } }>) =>
    titled('Could not plan the migration', () => plan(req.params.mesh, targetOf(req.query.to, false))),
  );

  app.post('/meshes/:mesh/_migration/apply', async (req: FastifyRequest<MeshParams>) =>
    titled('Could not apply the migration', async () => {
      const body = bodyOf(req.body);
      const to = targetOf(body.to, true);
      const options = { dryRun: flag(body, 'dryRun'), force: flag(body, 'force'), waitMs: seconds(body) * 1000 };
      const planned = await plan(req.params.mesh, to);
      try {
        const result = await runApply({ store: deps.store, manager: deps.manager, plan: planned, now: () => clock.now(), ...options });
        return { ...result, plan: planned };
      } catch (err) {
        if (!(err instanceof WaitTimeoutError)) throw err;
        const message = `${err.message}; the record keeps every step done so far: 'meshplane migrate rollback' undoes them`;
        throw new ValidationError([{ field: 'timeoutSeconds', message }], 'migrate apply stopped before its next step');
      }
    }),
  );

  app.post('/meshes/:mesh/_migration/rollback', async (req: FastifyRequest<MeshParams>) =>
    titled('Could not roll the migration back', async () => {
      const body = bodyOf(req.body);
      siteOf(deps);
      await deps.manager.requireMesh(req.params.mesh);
      return runRollback({ store: deps.store, mesh: req.params.mesh, dryRun: flag(body, 'dryRun'), force: flag(body, 'force') });
    }),
  );

  app.get('/meshes/:mesh/_migration/record', async (req: FastifyRequest<MeshParams>) =>
    titled('Could not retrieve the migration record', async () => {
      siteOf(deps);
      await deps.manager.requireMesh(req.params.mesh);
      const record = await readRecord(deps.store, req.params.mesh);
      if (record === undefined) throw new ResourceNotFoundError(recordKey(req.params.mesh));
      return { mesh: req.params.mesh, creationTime: record.creationTime, modificationTime: record.modificationTime, ...record.spec };
    }),
  );
}
