/**
 * `meshplane migrate apply` and `migrate rollback` as text: what each step or action did (or,
 * with --dry-run, would do). `-o json` prints the REST answer unchanged instead.
 */
import type { ApplyResult, RollbackResult } from '../../migration/store-io.js';
import { renderTable } from './table.js';

export function renderApply(result: ApplyResult): string {
  const head = result.dryRun
    ? `Dry run: migrate apply of mesh ${result.mesh} to ${result.to} would do:\n`
    : `Mesh ${result.mesh} migrated to ${result.to}; 'meshplane migrate rollback --mesh ${result.mesh}' puts the previous state back.\n`;
  if (result.steps.length === 0) return `${head}nothing to do\n`;
  const table = renderTable(['STEP', 'RESULT', 'WHAT'], result.steps.map((s) => [String(s.index), s.result, s.summary]));
  const warnings = result.warnings.map((w) => `warning: ${w}\n`).join('');
  return `${head}${table}${warnings}`;
}

export function renderRollback(result: RollbackResult): string {
  const head = result.dryRun ? `Dry run: migrate rollback of mesh ${result.mesh} would do:\n` : `Mesh ${result.mesh} rolled back; the migration record is gone.\n`;
  if (result.actions.length === 0) return `${head}nothing to put back\n`;
  return `${head}${renderTable(['ACTION', 'RESOURCE'], result.actions.map((a) => [a.action, `${a.type}/${a.name}`]))}`;
}
