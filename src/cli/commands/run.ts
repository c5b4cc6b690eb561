/**
 * `meshplane run [flags]`: compiles the configuration (flags, then MESHPLANE_* variables, then
 * defaults), starts the control plane and keeps it running until SIGINT or SIGTERM.
 * Exit codes: 2 bad configuration, 1 start-up failure, 0 after a clean stop.
 */
import { Option, type Command } from 'commander';
import { collectRawOptions, compileConfig } from '../../config/compile.js';
import { helpDescription } from '../../config/flag-docs.js';
import { FLAGS } from '../../config/flags.js';
import { ConfigError } from '../../core/errors.js';
import type { RunningControlPlane } from '../../main.js';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';

function printErrorLines(io: CliIo, message: string): void {
  for (const line of message.split('\n')) io.err(`Error: ${line}\n`);
}

/** Returns the running control plane, or the exit code when it could not start. */
export async function runControlPlane(io: CliIo, flags: Readonly<Record<string, string | undefined>>): Promise<RunningControlPlane | number> {
  let config;
  try {
    config = compileConfig(collectRawOptions(flags, io.env));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    printErrorLines(io, err.message);
    return 2;
  }
  try {
    // Loaded here, not at the top: the client commands should not pay for the server's modules.
    const { startControlPlane } = await import('../../main.js');
    return await startControlPlane(config);
  } catch (err) {
    printErrorLines(io, `could not start the control plane: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** First signal: stop cleanly and exit 0. A second signal while stopping: exit 1 at once. */
function stopOnSignals(cp: RunningControlPlane, io: CliIo): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      cp.logger.warn({ signal }, 'second signal while stopping; exiting now');
      process.exit(1);
    }
    stopping = true;
    cp.logger.info({ signal }, 'stopping the control plane');
    cp.stop().then(
      () => {
        cp.logger.info('control plane stopped');
        process.exit(0);
      },
      (err: unknown) => {
        printErrorLines(io, `could not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function registerRunCommand(program: Command, ctx: CliContext): void {
  const cmd = program.command('run').description('run the control plane (REST API, xDS, DNS; KDS in global mode)');
  const options = FLAGS.map((f) => {
    const option = new Option(`--${f.name} <${f.valueName}>`, helpDescription(f));
    cmd.addOption(option);
    return { name: f.name, attribute: option.attributeName() };
  });
  cmd.action(async (opts: Record<string, string | undefined>) => {
    const flags = Object.fromEntries(options.map((o) => [o.name, opts[o.attribute]]));
    const outcome = await runControlPlane(ctx.io, flags);
    if (typeof outcome === 'number') return ctx.finish(outcome);
    stopOnSignals(outcome, ctx.io);
    ctx.finish('running');
  });
}
