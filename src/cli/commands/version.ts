/** `meshplane version`: this CLI's version and, when one answers, the control plane's. */
import type { Command } from 'commander';
import { MESHPLANE_VERSION } from '../../config/version.js';
import type { ApiClient } from '../api-client.js';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';

export async function showVersion(client: ApiClient, io: CliIo, apiUrl: string): Promise<number> {
  io.out(`Client: meshplane ${MESHPLANE_VERSION}\n`);
  try {
    const info = await client.serverInfo();
    io.out(`Server: meshplane ${typeof info.version === 'string' ? info.version : 'unknown'} at ${apiUrl}\n`);
  } catch {
    io.out(`Server: no control plane answers at ${apiUrl}\n`);
  }
  return 0;
}

export function registerVersionCommand(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('print the versions of this CLI and of the control plane at --api-url')
    .action(async (_opts: unknown, cmd: Command) => {
      const { apiUrl } = cmd.optsWithGlobals<{ apiUrl: string }>();
      ctx.finish(await showVersion(ctx.client(apiUrl), ctx.io, apiUrl));
    });
}
