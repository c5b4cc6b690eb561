/**
 * `meshplane migrate plan|apply|rollback` (docs/migration.md), each a call to the control plane's
 * `/meshes/{mesh}/_migration/...` endpoint:
 * - `plan [--mesh M] [--to MODE] [-o table|json]`: exits 0 when the switch is safe, 3 when proxies
 *   lose destinations that others replace (clients must move to the new names), 4 when something
 *   would be lost outright;
 * - `apply --to MODE [--mesh M] [--dry-run] [--force] [--timeout SECONDS] [-o table|json]`;
 * - `rollback [--mesh M] [--dry-run] [--force] [-o table|json]`.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ApplyResult, RollbackResult } from '../../migration/store-io.js';
import { MIGRATION_TARGETS, type MigrationPlan } from '../../migration/types.js';
import { ApiProblemError, ApiUnreachableError, type InvalidParameter } from '../api-client.js';
import type { CliContext } from '../context.js';
import { printJson } from '../printers/json.js';
import { renderApply, renderRollback } from '../printers/migration-apply.js';
import { renderPlan } from '../printers/migration-plan.js';
import { reportError } from '../report-error.js';

/** `migrate plan` exit codes beyond 0 (safe), 1 (failed) and 2 (usage). */
export const EXIT_RENAMES = 3;
export const EXIT_UNSAFE = 4;

type Output = 'table' | 'json';

const outputOption = (): Option => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
const toOption = (description: string): Option => new Option('--to <mode>', description).choices([...MIGRATION_TARGETS]);

function parseSeconds(raw: string): number {
  const n = Number(raw.replace(/s$/, ''));
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds, 0 or more.');
  return n;
}

const basePath = (mesh: string): string => `/meshes/${encodeURIComponent(mesh)}/_migration`;

/** POST with a JSON body; errors as the ApiClient reports them, so reportError prints them alike. */
async function post(apiUrl: string, path: string, body: unknown): Promise<unknown> {
  let response: Response;
  const url = `${apiUrl.replace(/\/+$/, '')}${path}`;
  try {
    response = await fetch(url, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
    throw new ApiUnreachableError(apiUrl, typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err));
  }
  const text = await response.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  if (response.ok) return parsed;
  const params = (Array.isArray(parsed.invalid_parameters) ? parsed.invalid_parameters : []) as InvalidParameter[];
  throw new ApiProblemError(response.status, String(parsed.detail ?? parsed.title ?? `HTTP ${response.status}`), params);
}

export function planExitCode(plan: MigrationPlan): number {
  if (plan.verdict.level === 'safe') return 0;
  return plan.verdict.level === 'renames' ? EXIT_RENAMES : EXIT_UNSAFE;
}

export function registerMigrateCommand(program: Command, ctx: CliContext): void {
  const migrate = program.command('migrate').description('move a mesh from kuma.io/service to MeshService: plan, apply, roll back');
  const run = async (work: () => Promise<number>): Promise<void> => {
    try {
      ctx.finish(await work());
    } catch (err) {
      reportError(ctx.io, err);
      ctx.finish(1);
    }
  };
  const print = (output: Output, json: unknown, text: () => string): void => ctx.io.out(output === 'json' ? printJson(json) : text());

  migrate
    .command('plan')
    .description('what switching the mesh to a mode would change, computed from the live state; writes nothing')
    .option('-m, --mesh <mesh>', 'the mesh', 'default')
    .addOption(toOption('the mode to plan for').default('Exclusive'))
    .addOption(outputOption())
    .action(async (_opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ mesh: string; to: string; output: Output; apiUrl: string }>();
      await run(async () => {
        const plan = (await ctx.client(o.apiUrl).getJson(`${basePath(o.mesh)}/plan?to=${encodeURIComponent(o.to)}`)) as unknown as MigrationPlan;
        print(o.output, plan, () => renderPlan(plan));
        return planExitCode(plan);
      });
    });

  migrate
    .command('apply')
    .description('carry the plan out: MeshServices first, MeshMultiZoneServices, references, the mode last')
    .option('-m, --mesh <mesh>', 'the mesh', 'default')
    .addOption(toOption('the mode to move to').makeOptionMandatory())
    .option('--dry-run', 'print the steps without writing anything', false)
    .option('--force', 'apply even when the plan lists blockers', false)
    .option('--timeout <seconds>', 'how long to wait for the zones to generate MeshServices', parseSeconds, 60)
    .addOption(outputOption())
    .action(async (_opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ mesh: string; to: string; dryRun: boolean; force: boolean; timeout: number; output: Output; apiUrl: string }>();
      await run(async () => {
        const body = { to: o.to, dryRun: o.dryRun, force: o.force, timeoutSeconds: o.timeout };
        const result = (await post(o.apiUrl, `${basePath(o.mesh)}/apply`, body)) as ApplyResult;
        print(o.output, result, () => renderApply(result));
        return 0;
      });
    });

  migrate
    .command('rollback')
    .description('put back the resources and mode that migrate apply changed, exactly as they were')
    .option('-m, --mesh <mesh>', 'the mesh', 'default')
    .option('--dry-run', 'print what would be put back without writing anything', false)
    .option('--force', 'roll back even resources changed after migrate apply wrote them', false)
    .addOption(outputOption())
    .action(async (_opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ mesh: string; dryRun: boolean; force: boolean; output: Output; apiUrl: string }>();
      await run(async () => {
        const result = (await post(o.apiUrl, `${basePath(o.mesh)}/rollback`, { dryRun: o.dryRun, force: o.force })) as RollbackResult;
        print(o.output, result, () => renderRollback(result));
        return 0;
      });
    });
}
