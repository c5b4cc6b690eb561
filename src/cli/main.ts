/**
 * The `meshplane` command line: run, apply, get, delete, dataplane, migrate, inspect, version. Wiring of the CLI only; the
 * control plane itself is wired in src/main.ts. Usage errors (unknown flag, bad value, missing
 * argument) exit with 2, failed commands with 1.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { MESHPLANE_VERSION } from '../config/version.js';
import { ApiClient } from './api-client.js';
import { registerApplyCommand } from './commands/apply.js';
import { registerDataplaneCommand } from './commands/dataplane.js';
import { registerDeleteCommand } from './commands/delete.js';
import { registerGetCommand } from './commands/get.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerRunCommand } from './commands/run.js';
import { registerVersionCommand } from './commands/version.js';
import type { CliContext, CommandOutcome } from './context.js';
import { processIo, type CliIo } from './io.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:5681';
const USAGE_EXIT_CODE = 2;

function parseApiUrl(raw: string): string {
  if (URL.canParse(raw)) {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  }
  throw new InvalidArgumentError('must be an http:// or https:// URL.');
}

function buildProgram(ctx: CliContext): Command {
  const program = new Command('meshplane')
    .description("a service-mesh control plane for Kuma's MeshService model")
    .version(MESHPLANE_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .addOption(
      new Option('--api-url <url>', 'REST API of the control plane the CLI talks to')
        .env('MESHPLANE_API_URL')
        .default(DEFAULT_API_URL)
        .argParser(parseApiUrl),
    );
  registerRunCommand(program, ctx);
  registerApplyCommand(program, ctx);
  registerGetCommand(program, ctx);
  registerDeleteCommand(program, ctx);
  registerDataplaneCommand(program, ctx);
  registerMigrateCommand(program, ctx);
  registerInspectCommand(program, ctx);
  registerVersionCommand(program, ctx);
  return program;
}

/** Runs one command line (arguments after `meshplane`); resolves to its exit code or `running`. */
export async function runCli(args: readonly string[], io: CliIo): Promise<CommandOutcome> {
  let outcome: CommandOutcome = 0;
  const ctx: CliContext = { io, client: (apiUrl) => new ApiClient(apiUrl), finish: (o) => (outcome = o) };
  try {
    await buildProgram(ctx).parseAsync([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    throw err;
  }
  return outcome;
}

/** Entry point of bin/meshplane.js. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const outcome = await runCli(argv.slice(2), processIo());
  if (outcome !== 'running') process.exitCode = outcome;
}
