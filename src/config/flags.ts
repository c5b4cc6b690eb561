/**
 * THE table of `meshplane run` flags. The parser (compile.ts), `meshplane run --help` (cli) and the
 * flag table in docs/cli.md (flag-docs.ts, kept in step by a test) are all generated from it.
 * Every flag `--some-flag` is also read from the environment variable `MESHPLANE_SOME_FLAG`.
 */
import { DEFAULT_MAX_RESPONSE_BYTES } from '../xds/server/response-size.js';
import { LOG_LEVELS, MODES, type ControlPlaneConfig } from './control-plane-config.js';
import {
  parseHost,
  parseCidr,
  parseDurationMs,
  parseKdsAddress,
  parseSeconds,
  parseNonEmpty,
  parseOneOf,
  parsePort,
  parsePositiveInt,
  parseStoreSpec,
  parseZoneName,
  type Parsed,
} from './value-parsers.js';

export type ConfigKey = keyof ControlPlaneConfig;

export interface FlagSpec<K extends ConfigKey = ConfigKey> {
  /** Without the dashes: `api-port`. */
  readonly name: string;
  readonly key: K;
  /** Placeholder shown in help: `--api-port <port>`. */
  readonly valueName: string;
  readonly description: string;
  /** The value when neither the flag nor the variable is given; null means "not set". */
  readonly defaultValue: ControlPlaneConfig[K];
  readonly parse: (raw: string) => Parsed<ControlPlaneConfig[K]>;
  /** The default as a user types it, when that differs from the compiled value (`1h` for 3600000 ms). */
  readonly defaultText?: string;
}

const flag = <K extends ConfigKey>(spec: FlagSpec<K>): FlagSpec => spec as unknown as FlagSpec;

export const FLAGS: readonly FlagSpec[] = [
  flag({
    name: 'store',
    key: 'store',
    valueName: 'spec',
    description: 'where resources are kept: memory, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB',
    defaultValue: 'sqlite:./meshplane-data/meshplane.db',
    parse: parseStoreSpec,
  }),
  flag({ name: 'mode', key: 'mode', valueName: 'mode', description: 'zone or global control plane', defaultValue: 'zone', parse: parseOneOf(MODES) }),
  flag({ name: 'zone', key: 'zone', valueName: 'name', description: 'name of this zone (zone mode only)', defaultValue: 'default', parse: parseZoneName }),
  flag({
    name: 'global-kds-address',
    key: 'globalKdsAddress',
    valueName: 'url',
    description: 'global control plane to sync with, grpc://HOST:PORT (zone mode only; absent: a standalone zone)',
    defaultValue: null,
    parse: parseKdsAddress,
  }),
  flag({
    name: 'flat-network',
    key: 'flatNetwork',
    valueName: 'bool',
    description:
      'true: proxies of this zone reach Dataplanes of other zones directly, so traffic to their MeshServices goes straight to their endpoints when those zones say so too, not through their ZoneIngress (zone mode only)',
    defaultValue: false,
    parse: parseBool,
  }),
  flag({ name: 'api-host', key: 'apiHost', valueName: 'host', description: 'address the REST API binds to', defaultValue: '127.0.0.1', parse: parseHost }),
  flag({ name: 'api-port', key: 'apiPort', valueName: 'port', description: 'REST API port (0: pick a free port)', defaultValue: 5681, parse: parsePort }),
  flag({ name: 'xds-host', key: 'xdsHost', valueName: 'host', description: 'address the xDS (ADS) server binds to', defaultValue: '127.0.0.1', parse: parseHost }),
  flag({ name: 'xds-port', key: 'xdsPort', valueName: 'port', description: 'xDS (ADS) gRPC port (0: pick a free port)', defaultValue: 5678, parse: parsePort }),
  flag({
    name: 'xds-max-response-bytes',
    key: 'xdsMaxResponseBytes',
    valueName: 'bytes',
    description:
      'largest xDS response sent as one message; delta xDS updates are split under it, a larger state-of-the-world response is sent anyway, counted and logged. The default stays under the 4 MiB (4194304) default receive limit of gRPC xDS clients',
    defaultValue: DEFAULT_MAX_RESPONSE_BYTES,
    parse: parsePositiveInt,
  }),
  flag({ name: 'dns-host', key: 'dnsHost', valueName: 'host', description: 'address the DNS server binds to', defaultValue: '127.0.0.1', parse: parseHost }),
  flag({ name: 'dns-port', key: 'dnsPort', valueName: 'port', description: 'DNS port (0: pick a free port)', defaultValue: 5653, parse: parsePort }),
  flag({ name: 'kds-host', key: 'kdsHost', valueName: 'host', description: 'address the zone sync (KDS) server binds to (global mode only)', defaultValue: '127.0.0.1', parse: parseHost }),
  flag({ name: 'kds-port', key: 'kdsPort', valueName: 'port', description: 'zone sync (KDS) port (global mode only; 0: pick a free port)', defaultValue: 5685, parse: parsePort }),
  flag({
    name: 'api-body-limit',
    key: 'apiBodyLimitBytes',
    valueName: 'bytes',
    description: 'largest request body the REST API accepts',
    defaultValue: 1048576,
    parse: parsePositiveInt,
  }),
  flag({
    name: 'meshservice-deletion-grace-period',
    key: 'meshServiceDeletionGracePeriodMs',
    valueName: 'duration',
    description: 'how long a generated MeshService outlives its last Dataplane (e.g. 1h, 90s)',
    defaultValue: 3_600_000,
    defaultText: '1h',
    parse: parseDurationMs,
  }),
  flag({ name: 'meshservice-cidr', key: 'meshServiceCidr', valueName: 'cidr', description: 'VIPs for MeshServices', defaultValue: '241.0.0.0/8', parse: parseCidr }),
  flag({
    name: 'meshmultizoneservice-cidr',
    key: 'meshMultiZoneServiceCidr',
    valueName: 'cidr',
    description: 'VIPs for MeshMultiZoneServices',
    defaultValue: '243.0.0.0/8',
    parse: parseCidr,
  }),
  flag({ name: 'legacy-vip-cidr', key: 'legacyVipCidr', valueName: 'cidr', description: 'VIPs for kuma.io/service names (<service>.mesh)', defaultValue: '240.0.0.0/4', parse: parseCidr }),
  flag({
    name: 'vip-hold-period',
    key: 'vipHoldPeriodMs',
    valueName: 'duration',
    description: 'how long a released VIP stays unused before it may be given to another resource',
    defaultValue: 3_600_000,
    defaultText: '1h',
    parse: parseDurationMs,
  }),
  flag({ name: 'dns-ttl', key: 'dnsTtlSeconds', valueName: 'seconds', description: 'TTL of the DNS answers', defaultValue: 30, parse: parseSeconds }),
  flag({
    name: 'ready-file',
    key: 'readyFile',
    valueName: 'path',
    description: 'also write the ready line (JSON with the bound addresses) to this file',
    defaultValue: null,
    parse: parseNonEmpty,
  }),
  flag({ name: 'log-level', key: 'logLevel', valueName: 'level', description: `one of: ${LOG_LEVELS.join(', ')}`, defaultValue: 'info', parse: parseOneOf(LOG_LEVELS) }),
];

function parseBool(raw: string): Parsed<boolean> {
  const v = raw.trim().toLowerCase();
  if (v === 'true') return { ok: true, value: true };
  if (v === 'false') return { ok: true, value: false };
  return { ok: false, reason: `must be true or false; got ${JSON.stringify(raw)}` };
}

export function envVarOf(f: Pick<FlagSpec, 'name'>): string {
  return `MESHPLANE_${f.name.toUpperCase().replace(/-/g, '_')}`;
}

export function flagOf(key: ConfigKey): FlagSpec {
  const found = FLAGS.find((f) => f.key === key);
  if (!found) throw new Error(`no flag for config key ${key}`);
  return found;
}

/** The default as a user would type it, or '' when the flag has none. */
export function defaultText(f: FlagSpec): string {
  if (f.defaultText !== undefined) return f.defaultText;
  return f.defaultValue === null ? '' : String(f.defaultValue);
}
