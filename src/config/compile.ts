/**
 * Raw options (text from flags, then MESHPLANE_* variables) -> defaults -> compiled config, once.
 * Every problem is collected and reported together as one ConfigError, one line per problem,
 * each line starting with the flag it is about.
 */
import { ConfigError } from '../core/errors.js';
import type { ControlPlaneConfig } from './control-plane-config.js';
import { FLAGS, envVarOf, flagOf, type ConfigKey } from './flags.js';

export interface RawValue {
  readonly text: string;
  readonly from: 'flag' | 'env';
}

/** Keyed by flag name without dashes (`api-port`). */
export type RawOptions = Readonly<Record<string, RawValue>>;

/**
 * Picks each flag's text: the command-line value wins over the environment variable. An empty
 * variable counts as unset (so `MESHPLANE_ZONE= meshplane run` behaves like no variable).
 */
export function collectRawOptions(
  flags: Readonly<Record<string, string | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): RawOptions {
  const raw: Record<string, RawValue> = {};
  for (const f of FLAGS) {
    const fromFlag = flags[f.name];
    const fromEnv = env[envVarOf(f)];
    if (fromFlag !== undefined) raw[f.name] = { text: fromFlag, from: 'flag' };
    else if (fromEnv !== undefined && fromEnv !== '') raw[f.name] = { text: fromEnv, from: 'env' };
  }
  return raw;
}

function label(name: string, raw: RawOptions): string {
  return raw[name]?.from === 'env' ? `--${name} (from ${envVarOf({ name })})` : `--${name}`;
}

/** Throws ConfigError listing every problem; otherwise returns a config with every field set. */
export function compileConfig(raw: RawOptions): ControlPlaneConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const f of FLAGS) {
    const given = raw[f.name];
    if (given === undefined) {
      values[f.key] = f.defaultValue;
      continue;
    }
    const parsed = f.parse(given.text);
    if (parsed.ok) values[f.key] = parsed.value;
    else problems.push(`${label(f.name, raw)}: ${parsed.reason}`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const config = values as unknown as ControlPlaneConfig;
  problems.push(...crossFlagProblems(config, raw));
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return config;
}

function crossFlagProblems(config: ControlPlaneConfig, raw: RawOptions): string[] {
  const problems: string[] = [];
  const given = (key: ConfigKey): boolean => raw[flagOf(key).name] !== undefined;
  const at = (key: ConfigKey): string => label(flagOf(key).name, raw);
  if (config.mode === 'global') {
    if (given('globalKdsAddress')) problems.push(`${at('globalKdsAddress')}: only a zone control plane connects to a global one; drop it or use --mode zone`);
    if (given('zone')) problems.push(`${at('zone')}: a global control plane belongs to no zone; drop it or use --mode zone`);
  } else {
    for (const key of ['kdsPort', 'kdsHost'] as const) {
      if (given(key)) problems.push(`${at(key)}: only a global control plane listens for zones; drop it or use --mode global`);
    }
  }
  const listeners: [ConfigKey, string, number][] = [
    ['apiPort', config.apiHost, config.apiPort],
    ['xdsPort', config.xdsHost, config.xdsPort],
    ['dnsPort', config.dnsHost, config.dnsPort],
  ];
  if (config.mode === 'global') listeners.push(['kdsPort', config.kdsHost, config.kdsPort]);
  const taken = new Map<string, ConfigKey>();
  for (const [key, host, port] of listeners) {
    if (port === 0) continue;
    const first = taken.get(`${host}:${port}`);
    if (first !== undefined) problems.push(`${at(key)}: port ${port} is already used by ${at(first)}`);
    else taken.set(`${host}:${port}`, key);
  }
  return problems;
}
