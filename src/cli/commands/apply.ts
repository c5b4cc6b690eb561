/**
 * `meshplane apply -f FILE|-`: every document in order, each created or updated through the REST
 * API. A failing document does not stop the others; every error is shown with all its
 * violations and the exit code is 1 if any failed. A YAML syntax error applies nothing.
 */
import type { Command } from 'commander';
import { isPlainObject } from '../../core/schema.js';
import { parseDocument } from '../../core/wire.js';
import { ApiUnreachableError, type ApiClient } from '../api-client.js';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { formatInvalidParameters, reportError } from '../report-error.js';
import { parseYamlDocuments } from '../yaml-documents.js';

export interface ApplyArgs {
  /** A path, or `-` for standard input. */
  readonly file: string;
  /** Mesh of mesh-scoped documents that name none. */
  readonly mesh: string;
}

export async function applyDocuments(client: ApiClient, io: CliIo, args: ApplyArgs): Promise<number> {
  const source = args.file === '-' ? 'stdin' : args.file;
  let text: string;
  try {
    text = args.file === '-' ? await io.readStdin() : await io.readFile(args.file);
  } catch (err) {
    io.err(`Error: cannot read ${source}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const parsed = parseYamlDocuments(text, source);
  if (!parsed.ok) {
    for (const e of parsed.errors) io.err(`Error: ${e}\n`);
    io.err('Error: nothing was applied\n');
    return 1;
  }
  if (parsed.documents.length === 0) {
    io.err(`Error: ${source} holds no resources\n`);
    return 1;
  }
  let failed = 0;
  for (const { position, value } of parsed.documents) {
    const doc = parseDocument(value);
    if (!doc.ok) {
      const params = doc.violations.map((v) => ({ field: v.field, reason: v.message }));
      io.err(`Error: document ${position} of ${source}: Resource is not valid\n${formatInvalidParameters(params)}`);
      failed++;
      continue;
    }
    const { kind, name } = doc.doc;
    const mesh = kind.scope === 'Mesh' ? doc.doc.mesh || args.mesh : '';
    const body = kind.scope === 'Mesh' && isPlainObject(value) ? { ...value, mesh } : value;
    const label = `${kind.name} ${JSON.stringify(name)}`;
    try {
      const result = await client.put(kind, mesh, name, body);
      io.out(`${label} ${result.created ? 'created' : 'updated'}\n`);
      for (const w of result.warnings) io.err(`Warning: ${label}: ${w}\n`);
    } catch (err) {
      reportError(io, err, label);
      if (err instanceof ApiUnreachableError) return 1;
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

export function registerApplyCommand(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description('create or update the resources in a file of YAML documents (--- separated)')
    .requiredOption('-f, --file <path>', 'file to read, - for standard input')
    .option('-m, --mesh <mesh>', 'mesh for mesh-scoped documents that name none', 'default')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ file: string; mesh: string; apiUrl: string }>();
      ctx.finish(await applyDocuments(ctx.client(opts.apiUrl), ctx.io, { file: opts.file, mesh: opts.mesh }));
    });
}
