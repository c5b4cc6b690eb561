/** `meshplane get KIND [NAME] [-m MESH] [-o table|yaml|json]`. */
import { Option, type Command } from 'commander';
import { findKindByCliName } from '../../core/registry.js';
import type { ApiClient, WireItem } from '../api-client.js';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { describeTarget, unknownKindMessage } from '../kind-argument.js';
import { printJson } from '../printers/json.js';
import { resourceTable } from '../printers/resource-table.js';
import { printYamlItem, printYamlList } from '../printers/yaml.js';
import { reportError } from '../report-error.js';

export const OUTPUT_FORMATS = ['table', 'yaml', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface GetArgs {
  readonly kind: string;
  readonly name?: string;
  readonly mesh: string;
  readonly output: OutputFormat;
}

export async function getResources(client: ApiClient, io: CliIo, args: GetArgs): Promise<number> {
  const kind = findKindByCliName(args.kind);
  if (kind === undefined) {
    io.err(unknownKindMessage(args.kind));
    return 1;
  }
  const target =
    args.name !== undefined ? describeTarget(kind, args.mesh, args.name) : kind.scope === 'Mesh' ? `${kind.cli.plural} in mesh ${JSON.stringify(args.mesh)}` : undefined;
  try {
    if (args.name !== undefined) {
      const item = await client.getItem(kind, args.mesh, args.name);
      io.out(render(args.output, [item], true, (items) => resourceTable(kind, items, io.now())));
    } else {
      const items = await client.listItems(kind, args.mesh);
      io.out(render(args.output, items, false, (all) => resourceTable(kind, all, io.now())));
    }
    return 0;
  } catch (err) {
    reportError(io, err, target);
    return 1;
  }
}

function render(format: OutputFormat, items: WireItem[], single: boolean, table: (items: WireItem[]) => string): string {
  switch (format) {
    case 'table':
      return table(items);
    case 'yaml':
      return single ? printYamlItem(items[0]) : printYamlList(items);
    case 'json':
      return printJson(single ? items[0] : items);
  }
}

export function registerGetCommand(program: Command, ctx: CliContext): void {
  program
    .command('get')
    .description('show resources of one kind, or one resource by name')
    .argument('<kind>', 'kind, e.g. meshes, dataplanes, meshservices (or msvc), hostnamegenerators')
    .argument('[name]', 'only this resource')
    .option('-m, --mesh <mesh>', 'mesh of mesh-scoped kinds', 'default')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (kind: string, name: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ mesh: string; output: OutputFormat; apiUrl: string }>();
      ctx.finish(await getResources(ctx.client(opts.apiUrl), ctx.io, { kind, name, mesh: opts.mesh, output: opts.output }));
    });
}
