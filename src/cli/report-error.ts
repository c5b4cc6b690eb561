/**
 * How the CLI shows a failure: `Error: <detail>` and then one `  <field>: <reason>` line for
 * every violation the control plane listed. Everything goes to standard error.
 */
import { ApiProblemError, ApiUnreachableError, type InvalidParameter } from './api-client.js';
import type { CliIo } from './io.js';

export function formatInvalidParameters(params: readonly InvalidParameter[]): string {
  return params.map((p) => (p.field === '' ? `  ${p.reason}\n` : `  ${p.field}: ${p.reason}\n`)).join('');
}

/** `context` names what failed when a command does several things (`MeshService "redis"`). */
export function reportError(io: CliIo, err: unknown, context?: string): void {
  const prefix = context === undefined ? '' : `${context}: `;
  if (err instanceof ApiProblemError) {
    io.err(`Error: ${prefix}${err.detail}\n${formatInvalidParameters(err.invalidParameters)}`);
  } else if (err instanceof ApiUnreachableError) {
    io.err(`Error: ${err.message}\n`);
  } else {
    io.err(`Error: ${prefix}${err instanceof Error ? err.message : String(err)}\n`);
  }
}
