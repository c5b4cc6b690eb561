/**
 * `meshplane dataplane bootstrap --mesh M --name N [--xds-address HOST:PORT] [--proxyless]`: prints
 * the bootstrap a proxy of Dataplane N starts with, as the control plane builds it (it knows where
 * its ADS server listens): Envoy's as YAML, or with --proxyless gRPC's xDS bootstrap as JSON, for
 * GRPC_XDS_BOOTSTRAP. The Dataplane must exist.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import { kindByName } from '../../core/registry.js';
import { formatXdsEndpoint, parseXdsEndpoint, type XdsEndpoint } from '../../xds/bootstrap-config.js';
import { type ApiClient, resourcePath } from '../api-client.js';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { describeTarget } from '../kind-argument.js';
import { printJson } from '../printers/json.js';
import { reportError } from '../report-error.js';

export interface BootstrapArgs {
  readonly mesh: string;
  readonly name: string;
  readonly proxyless: boolean;
  readonly xdsAddress?: XdsEndpoint;
}

export function bootstrapPath(args: BootstrapArgs): string {
  const query = new URLSearchParams({ type: args.proxyless ? 'grpc' : 'envoy' });
  if (args.xdsAddress !== undefined) query.set('xdsAddress', formatXdsEndpoint(args.xdsAddress));
  return `${resourcePath(kindByName('Dataplane'), args.mesh, args.name)}/_bootstrap?${query.toString()}`;
}

export async function printBootstrap(client: ApiClient, io: CliIo, args: BootstrapArgs): Promise<number> {
  try {
    const bootstrap = await client.getJson(bootstrapPath(args));
    io.out(args.proxyless ? printJson(bootstrap) : stringify(bootstrap, { lineWidth: 0 }));
    return 0;
  } catch (err) {
    reportError(io, err, describeTarget(kindByName('Dataplane'), args.mesh, args.name));
    return 1;
  }
}

function parseXdsAddressOption(raw: string): XdsEndpoint {
  const parsed = parseXdsEndpoint(raw);
  if (typeof parsed === 'string') throw new InvalidArgumentError(`${parsed}.`);
  return parsed;
}

export function registerDataplaneCommand(program: Command, ctx: CliContext): void {
  const dataplane = program.command('dataplane').description('work with the proxies of Dataplanes');
  dataplane
    .command('bootstrap')
    .description("print the bootstrap a proxy of a Dataplane starts with: Envoy's YAML, or with --proxyless gRPC's xDS bootstrap JSON")
    .option('-m, --mesh <mesh>', 'mesh of the Dataplane', 'default')
    .requiredOption('--name <name>', 'name of the Dataplane')
    .option('--xds-address <host:port>', "ADS server address proxies dial (default: the control plane's bound xDS address)", parseXdsAddressOption)
    .option('--proxyless', "gRPC's xDS bootstrap (GRPC_XDS_BOOTSTRAP) instead of Envoy's", false)
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ mesh: string; name: string; xdsAddress?: XdsEndpoint; proxyless: boolean; apiUrl: string }>();
      const args: BootstrapArgs = {
        mesh: opts.mesh,
        name: opts.name,
        proxyless: opts.proxyless,
        ...(opts.xdsAddress !== undefined ? { xdsAddress: opts.xdsAddress } : {}),
      };
      ctx.finish(await printBootstrap(ctx.client(opts.apiUrl), ctx.io, args));
    });
}
