/**
 * `meshplane inspect dataplane NAME [-m MESH] --destinations|--config [--client envoy|proxyless]
 * [-o table|yaml|json]`: why a proxy's traffic goes where it goes. `--destinations` (the default)
 * prints one line per destination port, then its routes, then every timeout and retry setting with
 * the resource it came from, then notes; `--config` prints the proxy's xDS status and resources.
 * The answers come from `GET /meshes/{mesh}/dataplanes/{name}/_destinations` and `_config`.
 */
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import type { ApiClient, WireItem } from '../api-client.js';
import type { CliContext } from '../context.js';
import type { CliIo } from '../io.js';
import { printJson } from '../printers/json.js';
import { renderTable } from '../printers/table.js';
import { reportError } from '../report-error.js';
import { OUTPUT_FORMATS, type OutputFormat } from './get.js';

interface Setting {
  readonly setting: string;
  readonly value: unknown;
  readonly from: string;
}
interface Backend {
  readonly weight: number;
  readonly target: string;
  readonly unresolved?: string;
}
interface Route {
  readonly from: string;
  readonly match: string;
  readonly backends: readonly Backend[];
}
interface Port {
  readonly port: number;
  readonly sectionName: string;
  readonly appProtocol: string;
  readonly endpoints: number;
  readonly routes: readonly Route[];
  readonly timeouts: readonly Setting[];
  readonly retries: readonly Setting[];
  readonly circuitBreakers?: readonly Setting[];
  readonly notes: readonly string[];
}
interface Destination {
  readonly kind: string;
  readonly name: string;
  readonly zone: string;
  readonly via: string;
  readonly vips: readonly string[];
  readonly hostnames: readonly string[];
  readonly ports: readonly Port[];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function share(b: Backend, total: number): string {
  const pct = total > 0 ? `${Math.round((b.weight * 1000) / total) / 10}%` : `${b.weight}`;
  return `${pct} ${b.target}${b.unresolved !== undefined ? ' (UNRESOLVED: fails closed)' : ''}`;
}

export function destinationsTables(answer: WireItem): string {
  const destinations = (answer.destinations ?? []) as Destination[];
  const rows: string[][] = [];
  const routes: string[][] = [];
  const settings: string[][] = [];
  const notes: string[] = ((answer.notes ?? []) as string[]).map((n) => `- ${n}`);
  for (const d of destinations) {
    const name = `${d.kind}/${d.name}`;
    for (const p of d.ports) {
      const port = `${p.port}/${p.sectionName}`;
      const routedBy = [...new Set(p.routes.map((r) => r.from).filter((f) => f !== 'default'))];
      const policies = [...new Set([...p.timeouts, ...p.retries, ...(p.circuitBreakers ?? [])].map((s) => s.from))];
      rows.push([name, d.via, d.zone, port, p.appProtocol, d.vips.join(','), d.hostnames.join(','), String(p.endpoints), routedBy.join(','), policies.join(',')]);
      for (const r of p.routes) {
        const total = r.backends.reduce((n, b) => n + b.weight, 0);
        routes.push([name, port, r.from, r.match, r.backends.map((b) => share(b, total)).join(', ')]);
      }
      for (const s of p.timeouts) settings.push([name, port, `timeout ${s.setting}`, text(s.value), s.from]);
      for (const s of p.retries) settings.push([name, port, `retry ${s.setting}`, text(s.value), s.from]);
      for (const s of p.circuitBreakers ?? []) settings.push([name, port, `circuit breaker ${s.setting}`, text(s.value), s.from]);
      for (const n of p.notes) notes.push(`- ${name} port ${p.sectionName}: ${n}`);
    }
  }
  const header = `Dataplane ${text(answer.mesh)}/${text(answer.dataplane)} (${text(answer.client)} client)\n\n`;
  const parts = [header + renderTable(['DESTINATION', 'VIA', 'ZONE', 'PORT', 'PROTOCOL', 'VIPS', 'HOSTNAMES', 'ENDPOINTS', 'ROUTED BY', 'POLICIES'], rows)];
  if (routes.length > 0) parts.push(renderTable(['DESTINATION', 'PORT', 'ROUTE', 'MATCH', 'BACKENDS'], routes));
  if (settings.length > 0) parts.push(renderTable(['DESTINATION', 'PORT', 'SETTING', 'VALUE', 'FROM'], settings));
  if (notes.length > 0) parts.push(`NOTES\n${notes.join('\n')}\n`);
  return parts.join('\n');
}

export function configTables(answer: WireItem): string {
  const xds = (answer.xds ?? null) as { connectedStreams?: number; types?: Record<string, Record<string, unknown>>; lastNack?: Record<string, unknown> | null } | null;
  const head = `Node ${text(answer.nodeId)} (${text(answer.client)} client); resources: ${answer.source === 'snapshot' ? 'what the xDS server serves it now' : 'generated now (not connected)'}\n`;
  const status = xds === null ? 'xDS: never connected\n' : `xDS: ${xds.connectedStreams ?? 0} connected stream(s)\n`;
  const types = Object.entries(xds?.types ?? {}).map(([type, t]) => [type, text(t.lastSentVersion ?? ''), text(t.lastAckedVersion ?? ''), String(t.acks ?? 0), String(t.nacks ?? 0), t.upToDate ? 'yes' : 'no']);
  const nack = xds?.lastNack ? `last NACK (${text(xds.lastNack.type)}, version ${text(xds.lastNack.version)}): ${text(xds.lastNack.message)}\n` : '';
  const resources = Object.entries((answer.resources ?? {}) as Record<string, WireItem[]>).flatMap(([section, items]) =>
    items.map((r) => [section, text(r.name ?? r.cluster_name ?? '')]),
  );
  const parts = [head + status + nack];
  if (types.length > 0) parts.push(renderTable(['TYPE', 'SENT', 'ACKED', 'ACKS', 'NACKS', 'UP TO DATE'], types));
  parts.push(renderTable(['RESOURCE', 'NAME'], resources));
  return parts.join('\n');
}

export interface InspectArgs {
  readonly name: string;
  readonly mesh: string;
  readonly view: 'destinations' | 'config';
  readonly client?: 'envoy' | 'proxyless';
  readonly output: OutputFormat;
}

export async function inspectDataplane(client: ApiClient, io: CliIo, args: InspectArgs): Promise<number> {
  const query = args.client === undefined ? '' : `?client=${args.client}`;
  const path = `/meshes/${encodeURIComponent(args.mesh)}/dataplanes/${encodeURIComponent(args.name)}/_${args.view}${query}`;
  try {
    const answer = await client.getJson(path);
    if (args.output === 'json') io.out(printJson(answer));
    else if (args.output === 'yaml') io.out(stringify(answer, { lineWidth: 0 }));
    else io.out(args.view === 'config' ? configTables(answer) : destinationsTables(answer));
    return 0;
  } catch (err) {
    reportError(io, err, `Dataplane ${JSON.stringify(args.name)} in mesh ${JSON.stringify(args.mesh)}`);
    return 1;
  }
}

export function registerInspectCommand(program: Command, ctx: CliContext): void {
  const inspect = program.command('inspect').description('explain what the control plane gives a proxy');
  inspect
    .command('dataplane')
    .description("a proxy's destinations, routes and policies (--destinations), or its xDS config and status (--config)")
    .argument('<name>', 'the Dataplane')
    .option('-m, --mesh <mesh>', 'mesh of the Dataplane', 'default')
    .option('--destinations', 'every destination with its routes, endpoints and where each setting came from (default)')
    .option('--config', "the proxy's xDS resources and xDS status (versions sent and acknowledged, last NACK)")
    .addOption(new Option('--client <kind>', 'explain as this kind of client when the proxy is not connected').choices(['envoy', 'proxyless']))
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ mesh: string; output: OutputFormat; apiUrl: string; config?: boolean; destinations?: boolean; client?: 'envoy' | 'proxyless' }>();
      if (opts.config && opts.destinations) {
        ctx.io.err('Error: choose one of --destinations and --config\n');
        ctx.finish(2);
        return;
      }
      const view = opts.config ? 'config' : 'destinations';
      ctx.finish(await inspectDataplane(ctx.client(opts.apiUrl), ctx.io, { name, mesh: opts.mesh, view, output: opts.output, ...(opts.client ? { client: opts.client } : {}) }));
    });
}
