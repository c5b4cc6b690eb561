/** `meshplane delete KIND NAME [-m MESH]`. */
import type { Command } from 'commander';
import { findKindByCliName } from '../../core/registry.js';
import type { ApiClient } from '../api-client.js';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { describeTarget, unknownKindMessage } from '../kind-argument.js';
import { reportError } from '../report-error.js';

export async function deleteResource(client: ApiClient, io: CliIo, args: { kind: string; name: string; mesh: string }): Promise<number> {
  const kind = findKindByCliName(args.kind);
  if (kind === undefined) {
    io.err(unknownKindMessage(args.kind));
    return 1;
  }
  try {
    await client.delete(kind, args.mesh, args.name);
    io.out(`${kind.name} ${JSON.stringify(args.name)} deleted\n`);
    return 0;
  } catch (err) {
    reportError(io, err, describeTarget(kind, args.mesh, args.name));
    return 1;
  }
}

export function registerDeleteCommand(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('delete one resource')
    .argument('<kind>', 'kind, e.g. mesh, dataplane, meshservice (or msvc)')
    .argument('<name>', 'name of the resource')
    .option('-m, --mesh <mesh>', 'mesh of mesh-scoped kinds', 'default')
    .action(async (kind: string, name: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ mesh: string; apiUrl: string }>();
      ctx.finish(await deleteResource(ctx.client(opts.apiUrl), ctx.io, { kind, name, mesh: opts.mesh }));
    });
}
