/**
 * A child process that is a real, independent xDS client: it loads @grpc/grpc-js-xds, points one
 * channel at our ADS server (through the per-channel bootstrap option when given `xdsServer` and
 * `nodeId`, else through the file GRPC_XDS_BOOTSTRAP names, as a user would), and calls the echo
 * service at `xds:///<target>` back to back, reporting on stdout as JSON lines:
 *   {"event":"loaded","loadMs":..,"sinceStartMs":..}            grpc-js-xds required and registered
 *   {"event":"first-rpc","sinceStartMs":..,"sinceChannelMs":..}  first successful RPC
 *   {"event":"counts","at":<epoch ms>,"counts":{backend:n},"firstSeen":{..},"lastSeen":{backend:<epoch ms>},
 *    "streak":{"backend":..,"count":..},"recent":[backend,..],"errors":n,"failing":n,"lastError":".."}
 *   every 20 ms while something changed; `recent` names who answered the last 30 successful RPCs,
 *   `failing` counts the RPCs that failed since the last success.
 * Usage: node grpc-xds-client-process.js '{"xdsServer":"127.0.0.1:port","nodeId":"default.web-1","target":"host:port"}'
 *    or: GRPC_XDS_BOOTSTRAP=bootstrap.json node grpc-xds-client-process.js '{"target":"host:port"}'
 * Exits when stdin closes or on SIGTERM.
 */
import * as grpc from '@grpc/grpc-js';
import { echoClientConstructor } from './echo-service.js';

interface Config {
  readonly xdsServer?: string;
  readonly nodeId?: string;
  readonly target: string;
  readonly rpcTimeoutMs?: number;
}

const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const loadStart = performance.now();
const xds = await import('@grpc/grpc-js-xds');
xds.register();
emit({ event: 'loaded', loadMs: Math.round(performance.now() - loadStart), sinceStartMs: Math.round(performance.now()) });

const bootstrap =
  config.xdsServer === undefined
    ? undefined
    : {
        xds_servers: [{ server_uri: config.xdsServer, channel_creds: [{ type: 'insecure' }], server_features: [] }],
        node: { id: config.nodeId, cluster: 'e2e', locality: {}, metadata: { client: 'grpc-js-xds' } },
      };
const Echo = echoClientConstructor();
const channelCreated = performance.now();
const client = new Echo(`xds:///${config.target}`, grpc.credentials.createInsecure(), {
  ...(bootstrap === undefined ? {} : { [BOOTSTRAP_OPTION]: JSON.stringify(bootstrap) }),
  'grpc.enable_http_proxy': 0,
});

const counts: Record<string, number> = {};
const firstSeen: Record<string, number> = {};
const lastSeen: Record<string, number> = {};
const streak = { backend: '', count: 0 };
const recent: string[] = [];
const RECENT = 30;
let errors = 0;
let failing = 0;
let lastError = '';
let changed = false;
let first = true;
let stopping = false;

function call(): Promise<void> {
  return new Promise((resolve) => {
    const deadline = new Date(Date.now() + (config.rpcTimeoutMs ?? 5000));
    client.Echo({ message: 'hi' }, { deadline }, (err, reply) => {
      changed = true;
      if (err || reply === undefined) {
        errors++;
        failing++;
        lastError = err?.message ?? 'no reply';
      } else {
        const backend = reply.backend;
        failing = 0;
        counts[backend] = (counts[backend] ?? 0) + 1;
        lastSeen[backend] = Date.now();
        firstSeen[backend] ??= lastSeen[backend];
        if (recent.push(backend) > RECENT) recent.shift();
        if (streak.backend === backend) streak.count++;
        else Object.assign(streak, { backend, count: 1 });
        if (first) {
          first = false;
          emit({ event: 'first-rpc', sinceStartMs: Math.round(performance.now()), sinceChannelMs: Math.round(performance.now() - channelCreated), backend });
        }
      }
      resolve();
    });
  });
}

const reporter = setInterval(() => {
  if (!changed) return;
  changed = false;
  emit({ event: 'counts', at: Date.now(), counts, firstSeen, lastSeen, streak, recent, errors, failing, lastError });
}, 20);

function stop(): void {
  stopping = true;
}
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);

while (!stopping) await call();
clearInterval(reporter);
client.close();
process.exit(0);
